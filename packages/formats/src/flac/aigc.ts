/**
 * The AIGC field of a FLAC file: the Vorbis comment `AIGC=<value>` (TC260 practice guide for
 * GB 45438-2025 implicit labels in audio) in the VORBIS_COMMENT block (RFC 9639 §8.6).
 *
 * - The entry is replaced in place, or appended to the existing block's comments.
 * - Without a VORBIS_COMMENT block, one is added with an empty vendor string: before a final
 *   PADDING block that can hold it, else after the last block (the 'last' flags follow).
 * - A PADDING block right after the VORBIS_COMMENT block absorbs the size change when it can
 *   (it shrinks when the field grows, and grows when the field shrinks or goes), so the audio
 *   stays at the same offset. Removing the field from a block we added (empty vendor, no other
 *   comment) removes the block. Write-then-remove gives back the original bytes, except when a
 *   too-small PADDING block follows an existing VORBIS_COMMENT block (it then keeps the bytes),
 *   or when the file already had a bare VORBIS_COMMENT block (it goes with the field).
 * - More than one VORBIS_COMMENT block (RFC 9639 §8.6 allows one) or AIGC entry is
 *   `format.duplicate_metadata`.
 */
import { concatBytes } from '@synthguard/core';
import { formatError } from '../errors.js';
import {
  buildVorbisComment,
  buildVorbisEntry,
  findVorbisEntry,
  parseVorbisComment,
  readVorbisField,
  writeVorbisField,
} from '../vorbis/comment.js';
import {
  BLOCK_PADDING,
  BLOCK_VORBIS_COMMENT,
  type FlacBlock,
  type FlacLayout,
  MAX_BLOCK_LENGTH,
  blockHeader,
  walkFlac,
} from './stream.js';

export const AIGC_KEY = 'AIGC';

function findCommentBlock(blocks: readonly FlacBlock[]): number {
  let found = -1;
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i]!.type !== BLOCK_VORBIS_COMMENT) continue;
    if (found >= 0) {
      throw formatError(
        'format.duplicate_metadata',
        'FLAC holds more than one VORBIS_COMMENT block; merge or remove the extra one before labelling.',
        { first: blocks[found]!.start, second: blocks[i]!.start },
      );
    }
    found = i;
  }
  return found;
}

export function readFlacAigc(file: Uint8Array): string | undefined {
  const { blocks } = walkFlac(file);
  const i = findCommentBlock(blocks);
  if (i < 0) return undefined;
  const b = blocks[i]!;
  return readVorbisField(file, AIGC_KEY, b.dataStart, b.end);
}

/** A metadata block as the new stream will hold it: its type and body. */
interface Block {
  readonly type: number;
  readonly body: Uint8Array;
}

function assemble(file: Uint8Array, layout: FlacLayout, blocks: readonly Block[]): Uint8Array {
  const parts: Uint8Array[] = [file.subarray(0, 4)];
  blocks.forEach((b, i) => {
    if (b.body.length > MAX_BLOCK_LENGTH) {
      throw formatError(
        'format.metadata_too_large',
        'The AIGC value does not fit a FLAC metadata block; shorten it.',
        {
          size: b.body.length,
          limit: MAX_BLOCK_LENGTH,
        },
      );
    }
    parts.push(blockHeader(b.type, b.body.length, i === blocks.length - 1), b.body);
  });
  parts.push(file.subarray(layout.audioStart));
  return concatBytes(parts);
}

/** An empty VORBIS_COMMENT of the kind we add: empty vendor, no comments, nothing after. */
function isBareComment(body: Uint8Array): boolean {
  return body.length === 8 && body.every((b) => b === 0);
}

export function writeFlacAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const layout = walkFlac(file);
  const blocks: Block[] = layout.blocks.map((b) => ({
    type: b.type,
    body: file.subarray(b.dataStart, b.end),
  }));
  let at = findCommentBlock(layout.blocks);
  let oldSize: number;
  let newBody: Uint8Array | undefined;
  if (at >= 0) {
    const body = blocks[at]!.body;
    // Found without decoding its value: a malformed label can still be replaced or removed.
    if (value === undefined && findVorbisEntry(parseVorbisComment(body), AIGC_KEY) === undefined) {
      return file.slice();
    }
    newBody = writeVorbisField(body, AIGC_KEY, value);
    if (value === undefined && isBareComment(newBody)) newBody = undefined;
    oldSize = 4 + body.length;
  } else {
    if (value === undefined) return file.slice();
    newBody = buildVorbisComment('', [buildVorbisEntry(AIGC_KEY, value)]);
    const lastBlock = blocks.at(-1)!;
    const fitsPadding = lastBlock.type === BLOCK_PADDING && lastBlock.body.length >= 4 + newBody.length;
    at = fitsPadding ? blocks.length - 1 : blocks.length;
    blocks.splice(at, 0, { type: BLOCK_VORBIS_COMMENT, body: new Uint8Array(0) });
    oldSize = 0;
  }
  const delta = (newBody === undefined ? 0 : 4 + newBody.length) - oldSize;
  const next = blocks[at + 1];
  if (next?.type === BLOCK_PADDING && next.body.length - delta >= 0) {
    blocks[at + 1] = { type: BLOCK_PADDING, body: new Uint8Array(next.body.length - delta) };
  }
  if (newBody === undefined) blocks.splice(at, 1);
  else blocks[at] = { type: BLOCK_VORBIS_COMMENT, body: newBody };
  return assemble(file, layout, blocks);
}

/** The comment structure of the stream's VORBIS_COMMENT block, for probes and tests. */
export function flacCommentLayout(file: Uint8Array): ReturnType<typeof parseVorbisComment> | undefined {
  const { blocks } = walkFlac(file);
  const i = findCommentBlock(blocks);
  return i < 0 ? undefined : parseVorbisComment(file, blocks[i]!.dataStart, blocks[i]!.end);
}
