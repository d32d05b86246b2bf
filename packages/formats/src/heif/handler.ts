/**
 * HEIF / HEIC / AVIF images and sequences (ISO/IEC 23008-12:2022, AV1 Image File Format v1.1).
 * Sniff: an `ftyp` box first whose major brand is a HEIF brand (`brands.ts`); every other
 * ftyp belongs to the MP4 handler. The label goes into the XMP item (`xmp.ts`).
 */
import type { FormatHandler } from '../handler.js';
import { isHeif } from './brands.js';
import { walkHeif } from './layout.js';
import { readHeifXmp, writeHeifXmp } from './xmp.js';

export const heifHandler: FormatHandler = {
  id: 'heif',
  mediaType: 'image/heif',
  mediaTypeAliases: [
    'image/heic',
    'image/avif',
    'image/heif-sequence',
    'image/heic-sequence',
    'image/avif-sequence',
  ],
  extensions: ['heif', 'heic', 'hif', 'avif'],
  modality: 'image',
  sniff: isHeif,
  validate: (file) => {
    walkHeif(file);
  },
  xmp: { readXmp: readHeifXmp, writeXmp: writeHeifXmp },
};
