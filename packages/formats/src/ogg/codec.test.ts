import { asciiBytes, concatBytes } from '@synthguard/core';
import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { buildCommentHeader, buildOpusIdHeader, buildVorbisIdHeader } from '../testing/ogg-fixtures.js';
import { checkCommentPacket, checkIdHeader, checkSetupPacket, codecOfMagic } from './codec.js';

const with_ = (p: Uint8Array, at: number, ...bytes: number[]) => {
  const out = p.slice();
  out.set(bytes, at);
  return out;
};
const vorbisId = buildVorbisIdHeader();
const opusId = buildOpusIdHeader(2);

describe('Ogg codec headers (Vorbis I §4.2, RFC 7845 §5)', () => {
  it('identifies Vorbis and Opus identification headers, by magic and fully checked', () => {
    expect(codecOfMagic(vorbisId)).toBe('vorbis');
    expect(codecOfMagic(concatBytes([asciiBytes('xx'), opusId]), 2)).toBe('opus');
    expect(codecOfMagic(asciiBytes('OpusHea'))).toBeUndefined();
    expect(checkIdHeader(vorbisId, 0)).toBe('vorbis');
    expect(checkIdHeader(opusId, 0)).toBe('opus');
    expect(checkIdHeader(buildOpusIdHeader(6), 0)).toBe('opus');
    expect(checkIdHeader(with_(opusId, 8, 0x0f), 0)).toBe('opus'); // minor version 15: compatible
  });

  it.each([
    ['Theora', concatBytes([Uint8Array.of(0x80), asciiBytes('theora'), new Uint8Array(40)]), /Theora/],
    ['FLAC-in-Ogg', concatBytes([asciiBytes('\x7fFLAC'), new Uint8Array(40)]), /FLAC/],
    ['Speex', asciiBytes('Speex   1.2'), /Speex/],
    ['something else', asciiBytes('\x01video\0\0\0'), /other than Vorbis or Opus/],
    ['an Opus major version 1', with_(opusId, 8, 0x10), /unknown major version/],
    ['a Vorbis version 1', with_(vorbisId, 7, 1), /unknown version/],
  ])('refuses %s as format.unsupported with a clear message', (_name, packet, message) => {
    const err = catchFormatError(() => checkIdHeader(packet, 0));
    expect(err?.code).toBe('format.unsupported');
    expect(err?.message).toMatch(message);
  });

  it.each([
    ['a short Vorbis header', vorbisId.subarray(0, 29)],
    ['no Vorbis channels', with_(vorbisId, 11, 0)],
    ['a zero Vorbis rate', with_(vorbisId, 12, 0, 0, 0, 0)],
    ['a Vorbis block size of 32', with_(vorbisId, 28, 0xb5)],
    ['a Vorbis block size of 16384', with_(vorbisId, 28, 0xe8)],
    ['Vorbis blocksize_0 > blocksize_1', with_(vorbisId, 28, 0x9a)],
    ['no Vorbis framing bit', with_(vorbisId, 29, 0)],
    ['a short Opus header', opusId.subarray(0, 18)],
    ['no Opus channels', with_(opusId, 9, 0)],
    ['Opus family 0 with 3 channels', with_(opusId, 9, 3)],
    ['an Opus mapping table cut short', buildOpusIdHeader(6).subarray(0, 26)],
    ['zero Opus streams', with_(buildOpusIdHeader(6), 19, 0)],
    ['more coupled than Opus streams', with_(buildOpusIdHeader(6), 20, 7)],
  ])('rejects %s as format.corrupt', (_name, packet) => {
    expect(catchFormatError(() => checkIdHeader(packet, 0))?.code).toBe('format.corrupt');
  });

  it('checks the comment header: magic, structure and the Vorbis framing bit; Opus extra data is allowed', () => {
    const vorbis = buildCommentHeader('vorbis', 'v', [['TITLE', 't']]);
    expect(checkCommentPacket('vorbis', vorbis, 0).end).toBe(vorbis.length - 1);
    const opus = buildCommentHeader('opus', 'v', [['TITLE', 't']], Uint8Array.of(1, 2, 3));
    expect(checkCommentPacket('opus', opus, 0).end).toBe(opus.length - 3);
    for (const [codec, packet] of [
      ['vorbis', vorbis.subarray(0, -1)],
      ['vorbis', with_(vorbis, vorbis.length - 1, 0)],
      ['vorbis', opus],
      ['opus', vorbis],
      ['opus', opus.subarray(0, 20)],
    ] as const) {
      expect(catchFormatError(() => checkCommentPacket(codec, packet, 0))?.code).toBe('format.corrupt');
    }
  });

  it('checks the Vorbis setup header magic only', () => {
    checkSetupPacket(asciiBytes('\x05vorbis'), 0);
    const err = catchFormatError(() => {
      checkSetupPacket(asciiBytes('\x05vorbi'), 0);
    });
    expect(err?.code).toBe('format.corrupt');
  });
});
