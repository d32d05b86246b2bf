/**
 * Signed implicit labels: the producer's SecurityData in ReservedCode1 and a propagating
 * platform's in ReservedCode2 (TC260-PG-202511A), each binding label fields and the content.
 *
 * The content digest is taken over the file WITHOUT its label slot: the whole XMP packet where
 * XMP is the carrier, the AIGC field where the format has one (and, via `stripForeign`, without
 * other provenance stores that are written after the label, such as a C2PA manifest). The format
 * handlers guarantee that removing the slot from a labeled file gives the same bytes whatever the
 * label says (their conformance suites check it), so:
 *  - the signer writes the label (ReservedCode1 empty), hashes the stripped file, signs, and
 *    writes the label again with the SecurityData in ReservedCode1;
 *  - a verifier strips the same slot from the file it is given and compares digests;
 *  - a platform may later fill ContentPropagator, PropagateID and ReservedCode2 (or rewrite the
 *    XMP packet) without breaking the producer's signature, while any change to the content bytes
 *    (a pixel, a sample, other metadata outside the slot) does.
 */
import { createHash } from 'node:crypto';
import type { AigcLabel } from './aigc/label.js';
import { LabelError } from './errors.js';
import {
  type ImplicitLabel,
  type LabelCarrier,
  readImplicitLabel,
  writeImplicitLabel,
} from './implicit-label.js';
import { type DigestAlgorithm, type SigningKey, digestAlgorithmFor } from './integrity/keys.js';
import {
  type DecodedSecurityData,
  PRODUCER_BINDINGS,
  PROPAGATOR_BINDINGS,
  SECURITY_DATA_TYPE,
  SECURITY_DATA_VERSION,
  type SecurityBinding,
  decodeSecurityData,
  encodeSecurityData,
  formatDigest,
  signedMessage,
} from './integrity/security-data.js';

export interface IntegrityOptions {
  /** Removes provenance written after the label (a C2PA manifest store) before hashing. */
  readonly stripForeign?: ((file: Uint8Array) => Uint8Array) | undefined;
}

/** The file without its label slot (and foreign provenance), the bytes the content digest covers. */
export function contentWithoutLabel(
  carrier: LabelCarrier,
  file: Uint8Array,
  options: IntegrityOptions = {},
): Uint8Array {
  const base = options.stripForeign ? options.stripForeign(file) : file;
  if (carrier.aigc !== undefined) return carrier.aigc.writeAigc(base, undefined);
  if (carrier.xmp !== undefined) return carrier.xmp.writeXmp(base, undefined);
  throw new LabelError('label.no_slot', 'This format has no place for an implicit label.');
}

export function digestBytes(alg: DigestAlgorithm, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHash(alg === 'SM3' ? 'sm3' : 'sha256')
      .update(bytes)
      .digest(),
  );
}

/** Builds the SecurityData text for `label` with `bindings`, over a content digest. */
export function createSecurityData(
  key: SigningKey,
  bindings: readonly SecurityBinding[],
  label: AigcLabel,
  digest: Uint8Array,
): string {
  const digestText = formatDigest(digestAlgorithmFor(key.alg), digest);
  const sig = key.sign(signedMessage(bindings, label, key.alg, key.kid, digestText));
  return encodeSecurityData({
    Type: SECURITY_DATA_TYPE,
    Version: SECURITY_DATA_VERSION,
    Bindings: bindings,
    PubSD: {
      Alg: key.alg,
      KeyID: key.kid,
      Key: Buffer.from(key.spki).toString('base64url'),
      Digest: digestText,
      Sig: Buffer.from(sig).toString('base64url'),
    },
  });
}

/**
 * Writes `label` signed by the producer: ReservedCode1 receives the SecurityData (whatever
 * `label.ReservedCode1` held is replaced). Returns the labeled file and the label as written.
 */
export function writeSignedLabel(
  carrier: LabelCarrier,
  file: Uint8Array,
  label: AigcLabel,
  key: SigningKey,
  options: IntegrityOptions = {},
): { file: Uint8Array; label: AigcLabel } {
  const unsigned: AigcLabel = { ...label, ReservedCode1: '' };
  const first = writeImplicitLabel(carrier, file, unsigned);
  const digest = digestBytes(digestAlgorithmFor(key.alg), contentWithoutLabel(carrier, first, options));
  const signed: AigcLabel = {
    ...label,
    ReservedCode1: createSecurityData(key, PRODUCER_BINDINGS, label, digest),
  };
  return { file: writeImplicitLabel(carrier, first, signed), label: signed };
}

/**
 * Adds a propagating platform's fields (GB 45438-2025 Annex E; Measures Art. 6) to a labeled
 * file, signed in ReservedCode2. The producer's fields and ReservedCode1 are kept verbatim, so
 * the producer's signature stays valid.
 */
export function writePropagatedLabel(
  carrier: LabelCarrier,
  file: Uint8Array,
  fields: { ContentPropagator: string; PropagateID: string },
  key: SigningKey,
  options: IntegrityOptions = {},
): { file: Uint8Array; label: AigcLabel; previous: ImplicitLabel } {
  const previous = readImplicitLabel(carrier, file);
  if (previous === undefined) {
    throw new LabelError('label.no_slot', 'The file carries no implicit label to propagate.', {
      details: { problem: 'no_label' },
    });
  }
  const label: AigcLabel = { ...previous.label, ...fields, ReservedCode2: '' };
  const digest = digestBytes(digestAlgorithmFor(key.alg), contentWithoutLabel(carrier, file, options));
  const signed: AigcLabel = {
    ...label,
    ReservedCode2: createSecurityData(key, PROPAGATOR_BINDINGS, label, digest),
  };
  return { file: writeImplicitLabel(carrier, file, signed), label: signed, previous };
}

/** One signature's check. `absent`: the reserved code is empty; `foreign`: not our SecurityData. */
export type SignatureCheck =
  | { readonly status: 'absent' }
  | { readonly status: 'foreign'; readonly problem: string }
  | {
      readonly status: 'checked';
      readonly alg: DecodedSecurityData['data']['PubSD']['Alg'];
      readonly keyId: string;
      /** DER SubjectPublicKeyInfo, base64url. */
      readonly publicKey: string;
      readonly bindings: readonly SecurityBinding[];
      /** The signature is valid for the bound fields and the digest it states. */
      readonly signatureValid: boolean;
      /** The file's content (outside the label slot) still has the digest that was signed. */
      readonly contentUnchanged: boolean;
      /** Bindings cover what the slot needs (producer: Label, ContentProducer, ProduceID, Content). */
      readonly bindingsComplete: boolean;
    };

export interface LabelVerification {
  readonly label: ImplicitLabel;
  readonly producer: SignatureCheck;
  readonly propagator: SignatureCheck;
}

function check(
  text: string,
  required: readonly SecurityBinding[],
  label: AigcLabel,
  digestOf: (alg: DigestAlgorithm) => Uint8Array,
): SignatureCheck {
  if (text === '') return { status: 'absent' };
  let decoded: DecodedSecurityData;
  try {
    decoded = decodeSecurityData(text);
  } catch (err) {
    if (err instanceof LabelError) {
      const problem = typeof err.details?.problem === 'string' ? err.details.problem : err.message;
      return { status: 'foreign', problem };
    }
    throw err;
  }
  const { data, key, digestAlgorithm, digest, signature } = decoded;
  const message = signedMessage(data.Bindings, label, key.alg, key.kid, data.PubSD.Digest);
  const actual = digestOf(digestAlgorithm);
  return {
    status: 'checked',
    alg: key.alg,
    keyId: key.kid,
    publicKey: data.PubSD.Key,
    bindings: data.Bindings,
    signatureValid: key.verify(message, signature),
    contentUnchanged: Buffer.from(actual).equals(Buffer.from(digest)),
    bindingsComplete: required.every((b) => data.Bindings.includes(b)),
  };
}

/**
 * Reads the label and checks both signatures against the file. Returns undefined when the file
 * carries no label. Throws FormatError / LabelError when the file or the label cannot be read
 * at all (a broken label is an error, not a verification result).
 */
export function verifyImplicitLabel(
  carrier: LabelCarrier,
  file: Uint8Array,
  options: IntegrityOptions = {},
): LabelVerification | undefined {
  const found = readImplicitLabel(carrier, file);
  if (found === undefined) return undefined;
  let stripped: Uint8Array | undefined;
  return verifyFoundLabel(found, (alg) => {
    stripped ??= contentWithoutLabel(carrier, file, options);
    return digestBytes(alg, stripped);
  });
}

/**
 * Checks both signatures of a label already read, given how to digest the content without the
 * label slot (called at most once per algorithm, and only when a signature needs it). Shared by
 * `verifyImplicitLabel` and its streaming counterpart.
 */
export function verifyFoundLabel(
  found: ImplicitLabel,
  contentDigest: (alg: DigestAlgorithm) => Uint8Array,
): LabelVerification {
  const digests = new Map<DigestAlgorithm, Uint8Array>();
  const digestOf = (alg: DigestAlgorithm): Uint8Array => {
    let d = digests.get(alg);
    if (d === undefined) {
      d = contentDigest(alg);
      digests.set(alg, d);
    }
    return d;
  };
  return {
    label: found,
    producer: check(found.label.ReservedCode1, PRODUCER_BINDINGS, found.label, digestOf),
    propagator: check(found.label.ReservedCode2, PROPAGATOR_BINDINGS, found.label, digestOf),
  };
}
