/**
 * MP3 file walker: leading ID3v2 tags (id3v2.ts), then MPEG audio frames (mpeg.ts), then an
 * optional trailer (ID3v1, APEv2, ...). ID3v2 tags appended at the end (2.4 §5) are part of the
 * trailer and are not read.
 */
import { type Id3Tag, isId3At, walkLeadingId3 } from './id3v2.js';
import { type MpegAudio, parseMpegHeader, walkMpegAudio } from './mpeg.js';

export interface Mp3Layout {
  readonly tags: readonly Id3Tag[];
  readonly audio: MpegAudio;
}

/** 'ID3' (with a known major version) or a valid MPEG audio frame header at 0. Never throws. */
export function hasMp3Signature(head: Uint8Array): boolean {
  if (isId3At(head, 0)) return head.length < 4 || (head[3]! >= 2 && head[3]! <= 4);
  return parseMpegHeader(head, 0) !== undefined;
}

/** Walks the tags and the audio frames. Throws FormatError on truncated or invalid input. */
export function walkMp3(file: Uint8Array): Mp3Layout {
  const { tags, end } = walkLeadingId3(file);
  return { tags, audio: walkMpegAudio(file, end) };
}
