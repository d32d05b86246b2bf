import type { FormatHandler } from '../handler.js';
import { readWavAigc, writeWavAigc } from './aigc.js';
import { hasWavSignature, walkWav } from './chunks.js';

/**
 * WAV (RIFF WAVE; RF64 and BW64 too). Sniff: 'RIFF'/'RF64'/'BW64', size, 'WAVE'.
 * The label goes in an 'AIGC' chunk (TC260 guide), not XMP.
 */
export const wavHandler: FormatHandler = {
  id: 'wav',
  mediaType: 'audio/wav',
  mediaTypeAliases: ['audio/wave', 'audio/x-wav', 'audio/vnd.wave'],
  extensions: ['wav', 'wave'],
  modality: 'audio',
  sniff: hasWavSignature,
  validate: (file) => {
    walkWav(file);
  },
  aigc: { readAigc: readWavAigc, writeAigc: writeWavAigc },
};
