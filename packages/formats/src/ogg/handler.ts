/**
 * The Ogg handler: Ogg Vorbis and Ogg Opus (RFC 3533, Vorbis I, RFC 7845), one logical stream,
 * labeled in the Vorbis comment `AIGC=` (TC260 guide), not XMP. Theora video, FLAC-in-Ogg,
 * multiplexed and chained files are `format.unsupported`.
 */
import type { FormatHandler } from '../handler.js';
import { readOggAigc, writeOggAigc } from './aigc.js';
import { codecOfMagic } from './codec.js';
import { FLAG_BOS, PAGE_HEADER_SIZE, hasCapturePattern } from './page.js';
import { walkOgg } from './stream.js';

/**
 * Sniff (RFC 3533 §6): 'OggS' at 0, a BOS page, and its first packet starting with a Vorbis
 * ('\x01vorbis') or Opus ('OpusHead') identification header. Never reads out of bounds.
 */
export function sniffOgg(head: Uint8Array): boolean {
  if (!hasCapturePattern(head, 0) || head.length < PAGE_HEADER_SIZE) return false;
  if (head[4] !== 0 || (head[5]! & FLAG_BOS) === 0 || head[26] === 0) return false;
  return codecOfMagic(head, PAGE_HEADER_SIZE + head[26]!) !== undefined;
}

/** `audio/ogg` (RFC 5334 §10.3); `video/ogg` is not claimed, as Theora is refused. */
export const oggHandler: FormatHandler = {
  id: 'ogg',
  mediaType: 'audio/ogg',
  mediaTypeAliases: ['audio/opus', 'audio/vorbis', 'application/ogg'],
  extensions: ['ogg', 'oga', 'opus'],
  modality: 'audio',
  sniff: sniffOgg,
  validate: (file) => {
    walkOgg(file);
  },
  aigc: { readAigc: readOggAigc, writeAigc: writeOggAigc },
};
