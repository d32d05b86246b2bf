import type { FormatHandler } from '../handler.js';
import { hasTiffSignature, walkTiff } from './ifd.js';
import { readTiffXmp, writeTiffXmp } from './xmp.js';

/** TIFF 6.0, classic (32-bit offsets). Sniff: `II*\0` or `MM\0*`. */
export const tiffHandler: FormatHandler = {
  id: 'tiff',
  mediaType: 'image/tiff',
  mediaTypeAliases: ['image/x-tiff'],
  extensions: ['tif', 'tiff'],
  modality: 'image',
  sniff: hasTiffSignature,
  validate: (file) => {
    walkTiff(file);
  },
  xmp: { readXmp: readTiffXmp, writeXmp: writeTiffXmp },
};
