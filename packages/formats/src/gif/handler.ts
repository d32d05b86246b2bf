import type { FormatHandler } from '../handler.js';
import { hasGifSignature, walkGif } from './blocks.js';
import { readGifXmp, writeGifXmp } from './xmp.js';

/** GIF (GIF89a specification; GIF87a read too). Sniff: 'GIF87a' or 'GIF89a'. */
export const gifHandler: FormatHandler = {
  id: 'gif',
  mediaType: 'image/gif',
  extensions: ['gif'],
  modality: 'image',
  sniff: hasGifSignature,
  validate: (file) => {
    walkGif(file);
  },
  xmp: { readXmp: readGifXmp, writeXmp: writeGifXmp },
};
