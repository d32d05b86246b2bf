/**
 * Signed implicit labels for files too large to hold in memory (MP4/MOV): the streaming
 * counterparts of `writeSignedLabel` and `verifyImplicitLabel` (signed-label.ts), over a
 * ByteSource and a format's `StreamingAigcCarrier`. Same steps, same bytes (TC260-PG-202511A
 * SecurityData in ReservedCode1, content digest over the file WITHOUT its AIGC field):
 *  1. plan the label with ReservedCode1 empty, and view the result as a ByteSource (pieces-source.ts);
 *  2. plan the field's removal on that view and hash the stripped file in 1 MiB chunks (or let
 *     the caller's own pass over the input give the digest, when the stripped file IS the input);
 *  3. sign, plan the signed label on the view, and compose both plans into one plan against the
 *     input, so a caller copies the input once (`outputPieces`) to write the labeled file.
 * The result is byte-for-byte `writeSignedLabel`'s (tests check it with deterministic Ed25519),
 * because it applies the same two carrier writes; only the bulk data is never loaded.
 *
 * Not supported here: `IntegrityOptions.stripForeign` (a C2PA store written after the label), a
 * bytes-only hook; the formats with a streaming carrier carry no such store in this codebase.
 */
import {
  type ByteSource,
  type OutputPiece,
  type Splice,
  type StreamingAigcCarrier,
  outputPieces,
} from '@synthguard/formats';
import { type AigcLabel, decodeAigcLabel, encodeAigcLabel } from './aigc/label.js';
import { LabelError } from './errors.js';
import type { ImplicitLabel } from './implicit-label.js';
import { type DigestAlgorithm, type SigningKey, digestAlgorithmFor } from './integrity/keys.js';
import { PRODUCER_BINDINGS } from './integrity/security-data.js';
import { composePieces, digestSource, piecesSource, splicesFromPieces } from './pieces-source.js';
import { type LabelVerification, createSecurityData, verifyFoundLabel } from './signed-label.js';

/** GB 45438-2025 §5.2: the implicit label a source carries, read through the streaming carrier. */
export function readImplicitLabelSource(
  carrier: StreamingAigcCarrier,
  src: ByteSource,
): ImplicitLabel | undefined {
  const raw = carrier.readAigc(src);
  if (raw === undefined) return undefined;
  return { ...decodeAigcLabel(raw), raw };
}

/** The source without its field (when it has one), as a view over it: nothing is copied. */
function stripped(carrier: StreamingAigcCarrier, src: ByteSource): ByteSource {
  return piecesSource(src, outputPieces(src.size, carrier.planAigc(src, undefined)));
}

/** The content digest: the source without its label slot, hashed in chunks. */
export function digestContentSource(
  carrier: StreamingAigcCarrier,
  src: ByteSource,
  alg: DigestAlgorithm,
): Uint8Array {
  return digestSource(alg, stripped(carrier, src));
}

/**
 * True when `pieces` spell `src` byte for byte: source ranges in place, and inserted bytes equal
 * to the source bytes they stand for (a removal recomputes the chunk offsets it had patched, so
 * they come back as new bytes with the old values). Reads only the inserted lengths from `src`.
 */
function spellsSource(pieces: readonly OutputPiece[], src: ByteSource): boolean {
  let at = 0;
  for (const p of pieces) {
    if (p.kind === 'source') {
      if (p.offset !== at) return false;
      at += p.length;
      continue;
    }
    if (at + p.bytes.length > src.size) return false;
    if (!Buffer.from(src.read(at, p.bytes.length)).equals(p.bytes)) return false;
    at += p.bytes.length;
  }
  return at === src.size;
}

/** Plans `value` into `src` and checks, through the carrier, that the planned file reads it back. */
function planValue(
  carrier: StreamingAigcCarrier,
  src: ByteSource,
  value: string,
): { pieces: OutputPiece[]; view: ByteSource } {
  const pieces = outputPieces(src.size, carrier.planAigc(src, value));
  const view = piecesSource(src, pieces);
  // As writeImplicitLabel does: the planned file must walk and carry exactly this value.
  if (carrier.readAigc(view) !== value) {
    throw new LabelError('label.invalid_xmp', 'The file did not keep the label that was written.', {
      details: { problem: 'write_not_persisted' },
    });
  }
  return { pieces, view };
}

export interface StreamingSignOptions {
  /**
   * The digest of the input itself with `alg`. Used instead of hashing when removing the label
   * from the planned file gives back exactly the input (an unlabeled input: the carriers' rule
   * that removal restores the bytes, checked here on the plans, not assumed), so a caller that
   * reads the input anyway (its SHA-256 for the record) hashes it once for both.
   */
  readonly inputDigest?: ((alg: DigestAlgorithm) => Uint8Array) | undefined;
}

export interface SignedLabelPlan {
  /** Edits of the input whose result is the labeled, signed file. */
  readonly splices: readonly Splice[];
  /** The label as written (ReservedCode1 holds the SecurityData). */
  readonly label: AigcLabel;
  /** Size of the labeled file. */
  readonly size: number;
}

/**
 * `writeSignedLabel` through a ByteSource: the write plan (against `src`) of the file labeled
 * with `label`, signed by the producer's `key`. Reads the container structure and, to hash the
 * content, every byte once in 1 MiB chunks; never holds the file. Throws FormatError / LabelError.
 */
export function planSignedLabel(
  carrier: StreamingAigcCarrier,
  src: ByteSource,
  label: AigcLabel,
  key: SigningKey,
  options: StreamingSignOptions = {},
): SignedLabelPlan {
  const unsigned: AigcLabel = { ...label, ReservedCode1: '' };
  const first = planValue(carrier, src, encodeAigcLabel(unsigned));
  // The content: the labeled file without its field, as pieces of the input (one layer to read).
  const strip = outputPieces(first.view.size, carrier.planAigc(first.view, undefined));
  const content = composePieces(first.pieces, strip);
  const alg = digestAlgorithmFor(key.alg);
  const digest =
    options.inputDigest !== undefined && spellsSource(content, src)
      ? options.inputDigest(alg)
      : digestSource(alg, piecesSource(src, content));
  const signed: AigcLabel = {
    ...label,
    ReservedCode1: createSecurityData(key, PRODUCER_BINDINGS, label, digest),
  };
  const second = planValue(carrier, first.view, encodeAigcLabel(signed));
  const pieces = composePieces(first.pieces, second.pieces);
  return { splices: splicesFromPieces(src.size, pieces), label: signed, size: second.view.size };
}

/**
 * `verifyImplicitLabel` through a ByteSource: reads the label and checks both signatures, hashing
 * the content without the label slot in chunks (once per digest algorithm a signature needs).
 * Undefined when the source carries no label; throws FormatError / LabelError when it cannot be read.
 */
export function verifyImplicitLabelSource(
  carrier: StreamingAigcCarrier,
  src: ByteSource,
): LabelVerification | undefined {
  const found = readImplicitLabelSource(carrier, src);
  if (found === undefined) return undefined;
  return verifyFoundLabel(found, (alg) => digestContentSource(carrier, src, alg));
}
