/**
 * Assembles one manifest store (C2PA 2.x §11.1.1): the store superbox holding one manifest
 * with its assertion store, claim and claim signature. The layout is c2pa-rs's, so the same
 * assertion bytes hash the same in both implementations.
 */
import { encodeCbor } from '../cbor/encode.js';
import { type CborValue, cborMap } from '../cbor/value.js';
import { box, superBox, superBoxPayload } from '../jumbf/build.js';
import { UUID } from '../jumbf/uuids.js';
import { digest, type HashAlg } from '../hash/data-hash.js';
import { assertionUri, LABEL, signatureUri } from './labels.js';

export interface AssertionInput {
  readonly label: string;
  readonly data: CborValue;
}

export interface ClaimInput {
  readonly manifestLabel: string;
  readonly instanceId: string;
  readonly generator: { readonly name: string; readonly version: string };
  readonly alg: HashAlg;
}

/** CBOR assertion superbox (§11.1.4.2) and the hash its claim reference carries. */
function assertionBox(a: AssertionInput, alg: HashAlg): { bytes: Uint8Array; hash: Uint8Array } {
  const contents = [box('cbor', encodeCbor(a.data))];
  return {
    bytes: superBox(UUID.cbor, a.label, contents),
    hash: digest(alg, superBoxPayload(UUID.cbor, a.label, contents)),
  };
}

/** The claim (§10.2, claim-map-v2) over the given assertions, as CBOR bytes. */
export function buildClaim(
  claim: ClaimInput,
  assertions: readonly AssertionInput[],
): {
  claimBytes: Uint8Array;
  assertionBoxes: Uint8Array[];
} {
  const boxes = assertions.map((a) => assertionBox(a, claim.alg));
  const claimBytes = encodeCbor(
    cborMap({
      instanceID: claim.instanceId,
      claim_generator_info: cborMap({ name: claim.generator.name, version: claim.generator.version }),
      signature: signatureUri(claim.manifestLabel),
      created_assertions: assertions.map((a, i) =>
        cborMap({ url: assertionUri(a.label), hash: boxes[i]!.hash }),
      ),
      alg: claim.alg,
    }),
  );
  return { claimBytes, assertionBoxes: boxes.map((b) => b.bytes) };
}

/** The whole store given the claim bytes, assertion boxes and the COSE signature bytes. */
export function buildStore(
  manifestLabel: string,
  assertionBoxes: readonly Uint8Array[],
  claimBytes: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const manifest = superBox(UUID.manifest, manifestLabel, [
    superBox(UUID.assertionStore, LABEL.assertions, assertionBoxes),
    superBox(UUID.claim, LABEL.claimV2, [box('cbor', claimBytes)]),
    superBox(UUID.signature, LABEL.signature, [box('cbor', signature)]),
  ]);
  return superBox(UUID.manifestStore, LABEL.store, [manifest]);
}
