import type { FormatHandler } from '../handler.js';
import { bytesSource } from '../source.js';
import { inspectMp4, planMp4Aigc, readMp4Aigc, readMp4AigcBytes, writeMp4AigcBytes } from './aigc.js';
import { hasMp4Signature } from './sniff.js';

/**
 * MP4 / QuickTime (ISO/IEC 14496-12 and 14496-14; Apple QTFF). The label goes in the `mdta` key
 * AIGC of `moov/udta/meta` (TC260 guide), through the streaming carrier so that only the moov and
 * box headers are read; the in-memory carrier applies the same plan. Sniff is placed after HEIF,
 * which claims the HEIF/AVIF image brands of the same box format.
 */
export const mp4Handler: FormatHandler = {
  id: 'mp4',
  mediaType: 'video/mp4',
  mediaTypeAliases: ['video/quicktime', 'audio/mp4', 'video/x-m4v', 'audio/x-m4a'],
  extensions: ['mp4', 'm4v', 'm4a', 'mov'],
  modality: 'video',
  sniff: hasMp4Signature,
  validate: (file) => {
    inspectMp4(bytesSource(file));
  },
  aigc: { readAigc: readMp4AigcBytes, writeAigc: writeMp4AigcBytes },
  streaming: { readAigc: readMp4Aigc, planAigc: planMp4Aigc },
};
