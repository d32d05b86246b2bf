import type { FormatHandler } from '../handler.js';
import { hasWebpSignature, walkWebp } from './riff.js';
import { readWebpXmp, writeWebpXmp } from './xmp.js';

/** WebP (RFC 9649; Google WebP Container Specification). Sniff: 'RIFF' ???? 'WEBP'. */
export const webpHandler: FormatHandler = {
  id: 'webp',
  mediaType: 'image/webp',
  extensions: ['webp'],
  modality: 'image',
  sniff: hasWebpSignature,
  validate: (file) => {
    walkWebp(file);
  },
  xmp: { readXmp: readWebpXmp, writeXmp: writeWebpXmp },
};
