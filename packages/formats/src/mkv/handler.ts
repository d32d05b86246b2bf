import type { FormatHandler } from '../handler.js';
import { readMkvAigc, writeMkvAigc } from './aigc.js';
import { hasEbmlMagic, walkMatroska } from './walk.js';

/**
 * Matroska and WebM (RFC 8794 EBML, RFC 9559 Matroska; WebM is the DocType `webm` subset).
 * Sniff: the EBML magic 1A 45 DF A3; `validate` then requires DocType `matroska` or `webm`.
 * The label goes in a segment-level SimpleTag `AIGC` (TC260 guide), not XMP.
 */
export const mkvHandler: FormatHandler = {
  id: 'mkv',
  mediaType: 'video/x-matroska',
  mediaTypeAliases: ['video/webm', 'audio/webm', 'audio/x-matroska'],
  extensions: ['mkv', 'mka', 'webm', 'mk3d'],
  modality: 'video',
  sniff: hasEbmlMagic,
  validate: (file) => {
    walkMatroska(file);
  },
  aigc: { readAigc: readMkvAigc, writeAigc: writeMkvAigc },
};
