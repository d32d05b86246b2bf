import { describe, expect, it } from 'vitest';
import { buildItem, buildKey, buildMeta } from './encode.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('MP4 AIGC encoders', () => {
  // Observed in `ffmpeg -i in.mp4 -c copy -metadata AIGC=xyz -movflags use_metadata_tags out.mp4`
  // (ffmpeg 5.1): the hdlr, the key entry and the item, byte for byte.
  it('writes the hdlr, key and item exactly as ffmpeg does', () => {
    const meta = buildMeta('xyz');
    expect(hex(meta.subarray(0, 12))).toBe(`${meta.length.toString(16).padStart(8, '0')}6d65746100000000`);
    expect(hex(meta.subarray(12, 45))).toBe(
      '00000021' + '68646c72' + '00000000' + '00000000' + '6d647461' + '000000000000000000000000' + '00',
    );
    expect(hex(buildKey())).toBe('0000000c6d64746141494743');
    expect(hex(buildItem(5, 'xyz'))).toBe('0000001b00000005000000136461746100000001000000007879' + '7a');
  });
});
