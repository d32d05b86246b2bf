/**
 * The AIGC field of an Ogg Vorbis or Ogg Opus file: the Vorbis comment `AIGC=<value>` (TC260
 * practice guide for GB 45438-2025 implicit labels in audio) in the stream's comment header
 * (Vorbis I §4.2.3 / §5.2.1; RFC 7845 §5.2 'OpusTags').
 *
 * - The entry is replaced in place, or appended after the last comment; the vendor string, the
 *   other comments, their order, the Vorbis framing bit and Opus extra data are kept.
 * - The comment header (and the Vorbis setup header that shares its pages) is repaginated
 *   canonically (paginate.ts); the audio pages keep their bytes but for sequence numbers and CRCs.
 * - A write that leaves the comment packet as it was returns the file unchanged (its original
 *   pages too), so removing a label the file does not have, or writing the one it has, is a no-op.
 * - A second AIGC entry (case-insensitive key) is `format.duplicate_metadata`.
 */
import { bytesEqual, concatBytes } from '@synthguard/core';
import { findVorbisEntry, readVorbisField, writeVorbisField } from '../vorbis/comment.js';
import { COMMENT_MAGIC } from './codec.js';
import { replaceHeaderPackets } from './paginate.js';
import { walkOgg } from './stream.js';

export const AIGC_KEY = 'AIGC';

export function readOggAigc(file: Uint8Array): string | undefined {
  const stream = walkOgg(file);
  return readVorbisField(stream.headers[1]!, AIGC_KEY, COMMENT_MAGIC[stream.codec].length);
}

export function writeOggAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const stream = walkOgg(file);
  const packet = stream.headers[1]!;
  // Found without decoding its value: a malformed label can still be replaced or removed.
  if (value === undefined && findVorbisEntry(stream.comment, AIGC_KEY) === undefined) return file.slice();
  const magic = COMMENT_MAGIC[stream.codec].length;
  const comment = concatBytes([
    packet.subarray(0, magic),
    writeVorbisField(packet.subarray(magic), AIGC_KEY, value),
  ]);
  if (bytesEqual(comment, packet)) return file.slice();
  return replaceHeaderPackets(file, stream, [comment, ...stream.headers.slice(2)]);
}
