/**
 * The AIGC field of a WAV file: a RIFF chunk with the id 'AIGC' (TC260 practice guide for
 * GB 45438-2025 implicit labels in audio; RIFF 1.0 allows private chunk ids).
 *
 * Payload: the value as UTF-8, with no NUL terminator and no BOM (pad byte when odd, as for every
 * chunk). Reading tolerates trailing NULs that other writers add in the manner of INFO chunks.
 * Position: appended at the end of the RIFF, after 'data' and any LIST chunk; an existing chunk
 * is replaced in place. The RIFF size (or ds64 riffSize for RF64/BW64) follows the change; the
 * trailer after the RIFF is kept.
 */
import { concatBytes, utf8Decode, utf8Encode } from '@synthguard/core';
import { formatError } from '../errors.js';
import { splice } from '../splice.js';
import {
  MAX_RIFF_SIZE,
  type WavChunk,
  type WavLayout,
  buildWavChunk,
  walkWav,
  writeU32LE,
  writeU64LE,
} from './chunks.js';

export const AIGC_CHUNK_ID = 'AIGC';

function findAigcChunk(chunks: readonly WavChunk[]): WavChunk | undefined {
  let found: WavChunk | undefined;
  for (const c of chunks) {
    if (c.id !== AIGC_CHUNK_ID) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'WAV holds more than one AIGC chunk; remove the extra one before labelling.',
        { first: found.start, second: c.start },
      );
    }
    found = c;
  }
  return found;
}

export function readWavAigc(file: Uint8Array): string | undefined {
  const c = findAigcChunk(walkWav(file).chunks);
  if (c === undefined) return undefined;
  let end = c.dataEnd;
  while (end > c.dataStart && file[end - 1] === 0) end--;
  try {
    return utf8Decode(file.subarray(c.dataStart, end));
  } catch (cause) {
    throw formatError('format.corrupt', 'WAV AIGC chunk is not valid UTF-8.', { offset: c.start }, cause);
  }
}

/** `file` with [start, end) replaced and the RIFF size moved by the change in length. */
function resize(
  file: Uint8Array,
  layout: WavLayout,
  start: number,
  end: number,
  bytes: Uint8Array,
): Uint8Array {
  const riffSize = layout.riffEnd - 8 + bytes.length - (end - start);
  if (layout.riffSizeField.width === 4 && riffSize > MAX_RIFF_SIZE) {
    throw formatError(
      'format.metadata_too_large',
      'The AIGC value does not fit a RIFF under 4 GiB; shorten it.',
      {
        size: bytes.length,
        limit: MAX_RIFF_SIZE,
      },
    );
  }
  const out = splice(file, start, end, bytes);
  if (layout.riffSizeField.width === 4) writeU32LE(out, layout.riffSizeField.at, riffSize);
  else writeU64LE(out, layout.riffSizeField.at, riffSize);
  return out;
}

export function writeWavAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const layout = walkWav(file);
  const existing = findAigcChunk(layout.chunks);
  const chunk = value === undefined ? new Uint8Array(0) : buildWavChunk(AIGC_CHUNK_ID, utf8Encode(value));
  if (existing !== undefined) return resize(file, layout, existing.start, existing.end, chunk);
  if (value === undefined) return file.slice();
  // An odd last chunk without its pad byte gets one first, so the new chunk starts even.
  const insert = layout.missingPad ? concatBytes([Uint8Array.of(0), chunk]) : chunk;
  return resize(file, layout, layout.riffEnd, layout.riffEnd, insert);
}
