import { describe, expect, it } from 'vitest';
import { catchFormatError } from '../testing/mutations.js';
import { objectAt, readObjectStream } from './object-stream.js';
import { parseIndirectObject } from './objects.js';

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Object 7: an uncompressed object stream with the given dictionary entries and data. */
function stream(entries: string, data: string): ReturnType<typeof readObjectStream> {
  const file = bytes(
    `7 0 obj\n<< ${entries} /Length ${data.length} >>\nstream\n${data}\nendstream\nendobj\n`,
  );
  return readObjectStream(file, parseIndirectObject(file, 0), 1 << 20, 0);
}

const DATA = '5 0 6 7 (five) << /Title (six) >>';

describe('object streams (ISO 32000-1 §7.5.7)', () => {
  it('finds each object by its index and checks its number', () => {
    const stm = stream('/Type /ObjStm /N 2 /First 8', DATA);
    expect(objectAt(stm, 0, 5)).toEqual({ kind: 'string', bytes: bytes('five') });
    expect(objectAt(stm, 1, 6)).toMatchObject({ kind: 'dict' });
    expect(catchFormatError(() => objectAt(stm, 1, 9))?.code).toBe('format.corrupt');
    expect(catchFormatError(() => objectAt(stm, 2, 7))?.code).toBe('format.corrupt');
  });

  it.each([
    ['no /Type /ObjStm', '/N 2 /First 8', DATA],
    ['another /Type', '/Type /XRef /N 2 /First 8', DATA],
    ['no /N', '/Type /ObjStm /First 8', DATA],
    ['a /First past the data', '/Type /ObjStm /N 2 /First 99', DATA],
  ])('rejects a stream with %s', (_, entries, data) => {
    expect(catchFormatError(() => stream(entries, data))?.code).toBe('format.corrupt');
  });

  it('rejects a non-stream container', () => {
    const file = bytes('7 0 obj\n<< /Type /ObjStm /N 1 /First 0 >>\nendobj\n');
    expect(catchFormatError(() => readObjectStream(file, parseIndirectObject(file, 0), 100, 0))?.code).toBe(
      'format.corrupt',
    );
  });

  it.each([
    ['a header that is not number pairs', '5 0 x 8 (five) (six)'],
    ['a header cut short', '5 0 6'],
    ['an offset past the data', '5 0 6 99 (five) (six)'],
    ['a negative offset', '5 0 6 -1 (five) (six)'],
  ])('rejects %s', (_, data) => {
    const stm = stream(
      `/Type /ObjStm /N 2 /First ${data.indexOf('(') < 0 ? data.length : data.indexOf('(')}`,
      data,
    );
    expect(catchFormatError(() => objectAt(stm, 1, 6))?.code).toBe('format.corrupt');
  });
});
