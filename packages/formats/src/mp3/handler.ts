import type { FormatHandler } from '../handler.js';
import { readMp3Aigc, writeMp3Aigc } from './aigc.js';
import { hasMp3Signature, walkMp3 } from './stream.js';

/**
 * MP3 (MPEG audio with ID3v2 tags). Sniff: 'ID3' or an MPEG audio frame header at 0 — a loose
 * check, so register it after the formats with longer magic numbers.
 * The label goes in an ID3v2 TXXX frame with the description 'AIGC' (TC260 guide), not XMP.
 */
export const mp3Handler: FormatHandler = {
  id: 'mp3',
  mediaType: 'audio/mpeg',
  mediaTypeAliases: ['audio/mp3', 'audio/x-mp3', 'audio/mpeg3', 'audio/x-mpeg'],
  extensions: ['mp3'],
  modality: 'audio',
  sniff: hasMp3Signature,
  validate: (file) => {
    walkMp3(file);
  },
  aigc: { readAigc: readMp3Aigc, writeAigc: writeMp3Aigc },
};
