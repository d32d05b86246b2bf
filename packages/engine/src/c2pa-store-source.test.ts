import { bytesSource } from '@synthguard/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasBmffC2paStore } from './c2pa-store-source.js';

const C2PA_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');

function box(type: string, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + payload.length);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, payload]);
}

function largeBox(type: string, payload: Uint8Array): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(1);
  head.write(type, 4, 'latin1');
  head.writeBigUInt64BE(BigInt(16 + payload.length), 8);
  return Buffer.concat([head, payload]);
}

const ftyp = box('ftyp', Buffer.from('isom\0\0\0\0', 'latin1'));
const store = (uuid: Buffer) =>
  box('uuid', Buffer.concat([uuid, Buffer.from('\0\0\0\0manifest\0', 'latin1')]));

describe('hasBmffC2paStore', () => {
  it('finds a top-level C2PA uuid box (32- or 64-bit size), and nothing else', () => {
    const has = (...boxes: Buffer[]) => hasBmffC2paStore(bytesSource(Buffer.concat(boxes)));
    expect(has(ftyp, store(C2PA_UUID), box('mdat', new Uint8Array(10)))).toBe(true);
    expect(has(ftyp, box('mdat', new Uint8Array(10)), largeBox('uuid', C2PA_UUID))).toBe(true);
    expect(has(ftyp, store(Buffer.alloc(16, 7)), box('mdat', new Uint8Array(10)))).toBe(false);
    // Nested (inside moov) is not the store's place; a uuid box too short for its type is not one.
    expect(has(ftyp, box('moov', store(C2PA_UUID)))).toBe(false);
    expect(has(ftyp, box('uuid', C2PA_UUID.subarray(0, 8)))).toBe(false);
    // A last box of size 0 runs to the end of the file.
    const toEnd = store(C2PA_UUID);
    toEnd.writeUInt32BE(0, 0);
    expect(has(ftyp, toEnd)).toBe(true);
  });

  it('answers false, never throws, on malformed or truncated input (property)', () => {
    const good = Buffer.concat([ftyp, store(C2PA_UUID)]);
    for (let n = 0; n < good.length; n++) {
      expect(hasBmffC2paStore(bytesSource(good.subarray(0, n)))).toBe(false);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(typeof hasBmffC2paStore(bytesSource(bytes))).toBe('boolean');
      }),
    );
  });
});
