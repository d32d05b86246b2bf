/**
 * Large MP4 inputs for the memory benchmark (media.bench.ts `--large`), without encoding
 * gigabytes of video: a real faststart MP4 from ffmpeg (ftyp, moov, then mdat last) is copied
 * and its mdat is extended with zeros to the wanted file size (ftruncate: a sparse file). The
 * moov and its chunk offsets stay real and valid (ISO/IEC 14496-12 §8.7.5: they address the
 * original chunks at the start of the mdat); the padding is media data nothing references, which
 * a metadata labeler must still copy, and the content digest must still cover.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';

/** Top-level boxes of a small, trusted file: [type, start, end]. */
function topLevel(file: Buffer): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let at = 0; at + 8 <= file.length;) {
    let size = file.readUInt32BE(at);
    if (size === 1) size = Number(file.readBigUInt64BE(at + 8));
    else if (size === 0) size = file.length - at;
    if (size < 8 || at + size > file.length) throw new Error(`bench: bad box at ${String(at)}`);
    out.push([file.toString('latin1', at + 4, at + 8), at, at + size]);
    at += size;
  }
  return out;
}

/** Writes `output`: `small` with its (last, 32-bit) mdat grown to make the file `size` bytes. */
export function buildLargeMp4(small: string, output: string, size: number): void {
  const file = readFileSync(small);
  const boxes = topLevel(file);
  const last = boxes[boxes.length - 1];
  const moov = boxes.findIndex((b) => b[0] === 'moov');
  if (last?.[0] !== 'mdat' || moov < 0 || moov > boxes.length - 2 || file.readUInt32BE(last[1]) === 1) {
    throw new Error('bench: expected a faststart MP4 ending with a 32-bit mdat');
  }
  const mdatSize = size - last[1];
  if (mdatSize < last[2] - last[1] || mdatSize > 0xffffffff) throw new Error('bench: size out of range');
  const fd = openSync(output, 'w');
  try {
    const head = Buffer.from(file.subarray(0, last[2]));
    head.writeUInt32BE(mdatSize, last[1]);
    writeSync(fd, head);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
