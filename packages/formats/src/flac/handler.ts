import type { FormatHandler } from '../handler.js';
import { readFlacAigc, writeFlacAigc } from './aigc.js';
import { hasFlacSignature, walkFlac } from './stream.js';

/**
 * FLAC (RFC 9639). Sniff: 'fLaC' (a leading ID3v2 tag, which some taggers add, is not supported).
 * The label goes in the Vorbis comment `AIGC=` (TC260 guide), not XMP.
 */
export const flacHandler: FormatHandler = {
  id: 'flac',
  mediaType: 'audio/flac',
  mediaTypeAliases: ['audio/x-flac'],
  extensions: ['flac'],
  modality: 'audio',
  sniff: hasFlacSignature,
  validate: (file) => {
    walkFlac(file);
  },
  aigc: { readAigc: readFlacAigc, writeAigc: writeFlacAigc },
};
