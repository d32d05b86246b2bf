import type { FormatHandler } from '../handler.js';
import { hasPngSignature, walkPng } from './chunks.js';
import { readPngXmp, writePngXmp } from './xmp.js';

/** PNG (PNG spec 3rd ed., W3C 2025). Sniff: the 8-byte signature. */
export const pngHandler: FormatHandler = {
  id: 'png',
  mediaType: 'image/png',
  mediaTypeAliases: ['image/x-png'],
  extensions: ['png'],
  modality: 'image',
  sniff: hasPngSignature,
  validate: (file) => {
    walkPng(file);
  },
  xmp: { readXmp: readPngXmp, writeXmp: writePngXmp },
};
