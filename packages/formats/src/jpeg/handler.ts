import type { FormatHandler } from '../handler.js';
import { walkJpeg } from './segments.js';
import { readJpegXmp, writeJpegXmp } from './xmp.js';

/** JPEG (ISO/IEC 10918-1, JFIF/Exif). Sniff: SOI followed by the 0xFF of the next marker. */
export const jpegHandler: FormatHandler = {
  id: 'jpeg',
  mediaType: 'image/jpeg',
  mediaTypeAliases: ['image/jpg', 'image/pjpeg'],
  extensions: ['jpg', 'jpeg', 'jpe'],
  modality: 'image',
  sniff: (head) => head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff,
  validate: (file) => {
    walkJpeg(file);
  },
  xmp: { readXmp: readJpegXmp, writeXmp: writeJpegXmp },
};
