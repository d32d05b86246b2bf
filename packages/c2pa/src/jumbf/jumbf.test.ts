import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@synthguard/core';
import { childByLabel, isSuperBox, MAX_JUMBF_DEPTH, parseJumbf } from './boxes.js';
import { box, superBox } from './build.js';
import { UUID } from './uuids.js';

function buildStore(): Uint8Array {
  return superBox(UUID.manifestStore, 'c2pa', [
    superBox(UUID.manifest, 'urn:c2pa:x', [
      superBox(UUID.assertionStore, 'c2pa.assertions', [
        superBox(UUID.cbor, 'a.b', [box('cbor', Uint8Array.of(0xa0))]),
      ]),
    ]),
  ]);
}

describe('JUMBF', () => {
  it('parses what it builds, with labels, types and byte ranges', () => {
    const bytes = buildStore();
    const root = parseJumbf(bytes);
    expect(root.description).toMatchObject({ uuid: UUID.manifestStore, label: 'c2pa', toggles: 3 });
    const manifest = childByLabel(root, 'urn:c2pa:x')!;
    const assertion = childByLabel(childByLabel(manifest, 'c2pa.assertions')!, 'a.b')!;
    expect(assertion.description.uuid).toBe(UUID.cbor);
    const content = assertion.contents[0]!;
    expect(isSuperBox(content)).toBe(false);
    expect(content).toMatchObject({ type: 'cbor', payload: Uint8Array.of(0xa0) });
    expect(bytes.subarray(assertion.start, assertion.end)).toEqual(
      superBox(UUID.cbor, 'a.b', [box('cbor', Uint8Array.of(0xa0))]),
    );
  });

  it('reads 64-bit box sizes and the optional description fields', () => {
    const jumd = box(
      'jumd',
      new Uint8Array([
        ...Buffer.from(UUID.cbor, 'hex'),
        0x17,
        0x61,
        0,
        0,
        0,
        0,
        7,
        ...box('c2sh', Uint8Array.of(1, 2)),
      ]),
    );
    const payload = new Uint8Array([...jumd, ...box('cbor', Uint8Array.of(0xf6))]);
    const large = new Uint8Array(16 + payload.length);
    const view = new DataView(large.buffer);
    view.setUint32(0, 1);
    large.set(Buffer.from('jumb'), 4);
    view.setBigUint64(8, BigInt(large.length));
    large.set(payload, 16);
    const parsed = parseJumbf(large);
    expect(parsed.description).toMatchObject({ label: 'a', id: 7 });
    expect(parsed.description.privateBox).toEqual(box('c2sh', Uint8Array.of(1, 2)));
  });

  it.each([
    ['not a superbox', box('cbor', new Uint8Array(4))],
    ['no description box', box('jumb', box('cbor', new Uint8Array(4)))],
    ['unterminated label', box('jumb', box('jumd', new Uint8Array([...new Uint8Array(16), 0x02, 0x61])))],
    [
      'child past its parent',
      (() => {
        const b = buildStore();
        new DataView(b.buffer).setUint32(b.length - 13, 999);
        return b;
      })(),
    ],
    ['trailing bytes', new Uint8Array([...buildStore(), 0])],
    [
      'duplicate labels',
      box(
        'jumb',
        new Uint8Array([
          ...box('jumd', new Uint8Array([...new Uint8Array(16), 3, 0x61, 0])),
          ...superBox(UUID.cbor, 'x', []),
          ...superBox(UUID.cbor, 'x', []),
        ]),
      ),
    ],
  ])('rejects %s as c2pa.corrupt', (_name, bytes) => {
    expect(() => {
      const root = parseJumbf(bytes);
      childByLabel(root, 'x');
    }).toThrow(expect.objectContaining({ code: 'c2pa.corrupt' }));
  });

  it('caps nesting depth', () => {
    let inner = superBox(UUID.cbor, 'leaf', []);
    for (let i = 0; i < MAX_JUMBF_DEPTH + 2; i++) inner = superBox(UUID.cbor, `l${i}`, [inner]);
    expect(() => parseJumbf(inner)).toThrow(expect.objectContaining({ code: 'c2pa.too_large' }));
  });

  it('hostile input: only typed errors escape', () => {
    const good = buildStore();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat(good.length),
        (edits, cut) => {
          const bytes = good.slice(0, Math.max(cut, 1));
          for (const [at, v] of edits) if (at < bytes.length) bytes[at] = v;
          try {
            parseJumbf(bytes);
          } catch (err) {
            expect(isAppError(err, 'c2pa.corrupt', 'c2pa.too_large')).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
