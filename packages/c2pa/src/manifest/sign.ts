/**
 * Writes a new C2PA manifest into a file (C2PA 2.x §10 claim v2, §18.5 data hash, §13.2 COSE
 * signature): a `c2pa.actions.v2` assertion with one `c2pa.created` action whose
 * digitalSourceType is trainedAlgorithmicMedia and whose softwareAgent is us, an optional
 * GB 45438 assertion binding the implicit label and produce id, and the hard binding:
 * `c2pa.hash.data` over the whole file except the store's carrier, or for ISO BMFF
 * `c2pa.hash.bmff.v3` (§18.6) with c2pa-rs's default box exclusions.
 *
 * The store's size is fixed before anything is hashed (the signature slot is reserved, the
 * data hash is a fixed-length digest), so a placeholder store of the final size shows exactly
 * where the carrier lands; the file is hashed around it, and the real store replaces it.
 */
import { randomUUID } from 'node:crypto';
import { type CborValue, cborMap } from '../cbor/value.js';
import { type C2paSigner, signClaim } from '../cose/signer.js';
import type { ByteRange } from '../embed/embedding.js';
import { embeddingFor } from '../embed/registry.js';
import { c2paError } from '../errors.js';
import { bmffExclusionsCbor, bmffHash, DEFAULT_BMFF_EXCLUSIONS } from '../hash/bmff-hash.js';
import { dataHash } from '../hash/data-hash.js';
import { type AssertionInput, buildClaim, buildStore } from './build.js';
import { LABEL, TRAINED_ALGORITHMIC_MEDIA } from './labels.js';

export const GENERATOR = { name: 'synthguard', version: '0.1.0' } as const;

export interface SignOptions {
  readonly signer: C2paSigner;
  /** Produce id of the content (GB 45438-2025 ContentProducer / ProduceID); bound into the claim. */
  readonly produceId?: string;
  /** The GB 45438 implicit label text (JSON) that also goes into the file; bound into the claim. */
  readonly label?: string;
}

/** `c2pa.hash.bmff.v3` with c2pa-rs's default exclusions (no Merkle tree: one file hash). */
function bmffHashAssertion(hash: Uint8Array): AssertionInput {
  return {
    label: LABEL.bmffHashV3,
    data: cborMap({
      exclusions: bmffExclusionsCbor(DEFAULT_BMFF_EXCLUSIONS),
      alg: 'sha256',
      hash,
      name: 'jumbf manifest',
    }),
  };
}

function dataHashAssertion(exclusion: ByteRange, hash: Uint8Array): AssertionInput {
  return {
    label: LABEL.dataHash,
    data: cborMap({
      exclusions: [cborMap({ start: exclusion.start, length: exclusion.length })],
      name: 'jumbf manifest',
      alg: 'sha256',
      hash,
      // c2pa-rs requires the field (it pads to keep the assertion's size stable); empty here.
      pad: new Uint8Array(0),
    }),
  };
}

function fixedAssertions(options: SignOptions): AssertionInput[] {
  const out: AssertionInput[] = [
    {
      label: LABEL.actionsV2,
      data: cborMap({
        actions: [
          cborMap({
            action: 'c2pa.created',
            digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
            softwareAgent: cborMap({ name: GENERATOR.name, version: GENERATOR.version }),
          }),
        ],
      }),
    },
  ];
  if (options.produceId !== undefined || options.label !== undefined) {
    const data: Record<string, CborValue> = {};
    if (options.produceId !== undefined) data.produceId = options.produceId;
    if (options.label !== undefined) data.label = options.label;
    out.push({ label: LABEL.aigc, data: cborMap(data) });
  }
  return out;
}

function bmffFileHash(file: Uint8Array): Uint8Array {
  const hash = bmffHash('sha256', file, DEFAULT_BMFF_EXCLUSIONS);
  if (hash === 'unsupported') throw new Error('default BMFF exclusions are top-level paths');
  return hash;
}

/**
 * A new file: `file` with a signed manifest store embedded. A file that already carries a
 * store is refused (`c2pa.duplicate_store`): replacing someone's provenance is the caller's
 * explicit decision (`removeManifest` first).
 */
export function signManifest(file: Uint8Array, format: string, options: SignOptions): Uint8Array {
  return embedManifest(file, format, options.signer, fixedAssertions(options));
}

/**
 * The writer behind `signManifest`: embeds a signed manifest holding `assertions` (all listed
 * in `created_assertions`) plus the hard binding it computes. Not exported from the package;
 * tests use it to write manifests our public API never would.
 */
export function embedManifest(
  file: Uint8Array,
  format: string,
  signer: C2paSigner,
  rest: readonly AssertionInput[],
): Uint8Array {
  const embedding = embeddingFor(format);
  if (embedding.find(file) !== undefined) {
    throw c2paError('c2pa.duplicate_store', 'The file already carries a C2PA manifest; remove it first.');
  }
  const manifestLabel = `urn:c2pa:${randomUUID()}`;
  const claimInput = {
    manifestLabel,
    instanceId: `xmp:iid:${randomUUID()}`,
    generator: GENERATOR,
    alg: 'sha256',
  } as const;
  const reserve = signer.reserveSize;
  const bmff = embedding.binding === 'bmff';
  const storeWith = (
    exclusion: ByteRange,
    hash: Uint8Array,
    signature: Uint8Array,
  ): { store: Uint8Array; claim: Uint8Array } => {
    const binding = bmff ? bmffHashAssertion(hash) : dataHashAssertion(exclusion, hash);
    const { claimBytes, assertionBoxes } = buildClaim(claimInput, [binding, ...rest]);
    return { store: buildStore(manifestLabel, assertionBoxes, claimBytes, signature), claim: claimBytes };
  };

  // The exclusion's integers are CBOR-encoded, so its length can shift the store's size:
  // iterate to the fixed point (two rounds in practice; the start never moves).
  const zeros = new Uint8Array(32);
  const placeholderSig = new Uint8Array(reserve);
  let exclusion: ByteRange = { start: 0, length: 0 };
  let placed: { file: Uint8Array; range: ByteRange } | undefined;
  for (let round = 0; round < 4 && placed === undefined; round++) {
    const attempt = embedding.insert(file, storeWith(exclusion, zeros, placeholderSig).store);
    if (attempt.range.start === exclusion.start && attempt.range.length === exclusion.length)
      placed = attempt;
    else exclusion = attempt.range;
  }
  if (placed === undefined) throw new Error('manifest placement did not converge');

  const hash = bmff ? bmffFileHash(placed.file) : dataHash('sha256', placed.file, [exclusion]);
  const unsigned = storeWith(exclusion, hash, placeholderSig);
  const signature = signClaim(signer, unsigned.claim, reserve);
  const final = storeWith(exclusion, hash, signature);
  const out = embedding.insert(file, final.store);
  if (out.range.start !== exclusion.start || out.range.length !== exclusion.length) {
    throw new Error('manifest store changed size while signing');
  }
  return out.file;
}
