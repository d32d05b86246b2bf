import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, canonicalJson, canonicalJsonBytes, parseCanonicalJson } from './canonical-json.js';
import { LedgerError } from './errors.js';

function problem(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'ledger.invalid_json') return String(err.details?.problem);
    throw err;
  }
  return 'ok';
}

/**
 * A naive reference: JSON.stringify (ES2019+ escapes exactly as RFC 8785 §3.2.2.2 asks) for
 * leaves, default Array#sort (UTF-16 code units) for member names. Valid input only.
 */
function naive(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(naive).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${naive(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

describe('RFC 8785 canonical JSON: the RFC test vectors', () => {
  it('§3.2.2 sample: numbers, string escapes and literals', () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalJson(JSON.parse(input))).toBe(
      `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`,
    );
  });

  it('§3.2.3 sorting by UTF-16 code units, and its UTF-8 bytes', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const out = canonicalJson(input);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // The RFC's UTF-8 listing: the start, U+0080 and the emoji as raw UTF-8, and the end.
    const hex = Buffer.from(canonicalJsonBytes(input)).toString('hex');
    expect(hex.startsWith('7b225c72223a22')).toBe(true); // {"\r":"
    expect(hex).toContain('2c22c280223a22'); // ,"U+0080":"
    expect(hex).toContain('2c22f09f9880223a22'); // ,"U+1F600":"
    expect(
      hex.endsWith('2c22efacb3223a22486562726577204c65747465722044616c6574205769746820446167657368227d'),
    ).toBe(true);
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s serializes as %s', (bits, text) => {
    expect(canonicalJson(Buffer.from(bits, 'hex').readDoubleBE(0))).toBe(text);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('Appendix B: %s (%s) is an error', (bits) => {
    expect(problem(() => canonicalJson([Buffer.from(bits, 'hex').readDoubleBE(0)]))).toMatch(
      /NaN or infinite/,
    );
  });
});

describe('RFC 8785 canonical JSON: what has no canonical form', () => {
  class Point {
    x = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  let deep: unknown = 1;
  for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = [deep];

  it.each([
    ['a lone high surrogate', { a: 'x\ud800' }, /lone surrogate/],
    ['a lone low surrogate', ['\udc00x'], /lone surrogate/],
    ['reversed surrogates', ['\ude00\ud83d'], /lone surrogate/],
    ['a lone surrogate in a member name', { '\ud800': 1 }, /lone surrogate/],
    ['a bigint', { n: 10n }, /bigint/],
    ['undefined', { u: undefined }, /undefined/],
    ['a function', [() => 1], /function/],
    ['a symbol', [Symbol('s')], /symbol/],
    ['a symbol key', { [Symbol('s')]: 1 }, /symbol keys/],
    ['a Date', [new Date(0)], /plain objects/],
    ['a Map', new Map(), /plain objects/],
    ['a class instance', new Point(), /plain objects/],
    ['a Uint8Array', new Uint8Array(2), /plain objects/],
    ['a sparse array', [1, , 3], /hole/], // eslint-disable-line no-sparse-arrays
    ['a cycle', cyclic, /deeper/],
    ['too deep', deep, /deeper/],
  ])('rejects %s', (_name, value, expected) => {
    expect(problem(() => canonicalJson(value))).toMatch(expected);
  });

  it('names the path of the offending value', () => {
    try {
      canonicalJson({ a: [0, { 'b/c': NaN }] });
      expect.unreachable();
    } catch (err) {
      expect((err as LedgerError).details).toMatchObject({ path: '/a/1/b~1c' });
    }
  });

  it('accepts well-formed pairs, U+FFFF, U+007F and objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 1, a: '\u007f\uffff😀' });
    expect(canonicalJson(bare)).toBe('{"a":"\u007f\uffff😀","b":1}');
  });
});

describe('RFC 8785 canonical JSON: properties', () => {
  it('equals the naive reference for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect(canonicalJson(v)).toBe(naive(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts integer-like names as strings, not in JavaScript enumeration order', () => {
    expect(canonicalJson({ b: 0, '10': 1, '9': 2, a: 3 })).toBe('{"10":1,"9":2,"a":3,"b":0}');
  });

  it('is a fixed point: parseCanonicalJson reads back exactly what canonicalJson writes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        const text = canonicalJson(v);
        expect(canonicalJson(parseCanonicalJson(text))).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['whitespace', '{"a": 1}'],
    ['unsorted members', '{"b":1,"a":2}'],
    ['a duplicate member', '{"a":1,"a":1}'],
    ['a trailing zero', '[1.0]'],
    ['an upper-case exponent', '[1E+30]'],
    ['an escaped letter', '["\\u0041"]'],
    ['an upper-case escape', '["\\u001F"]'],
    ['an escaped slash', '["\\/"]'],
    ['an escaped lone surrogate', '["\\ud800"]'],
    ['precision lost', '[9007199254740993]'],
    ['not JSON', '{'],
    ['a byte-order mark', '\ufeff[]'],
  ])('parseCanonicalJson rejects %s', (_name, text) => {
    expect(problem(() => parseCanonicalJson(text))).not.toBe('ok');
  });

  it('hostile text: parsed or ledger.invalid_json, nothing else (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        problem(() => parseCanonicalJson(s));
      }),
      { numRuns: 3000 },
    );
    expect(problem(() => parseCanonicalJson('['.repeat(100_000) + ']'.repeat(100_000)))).toMatch(/deeper/);
    expect(problem(() => parseCanonicalJson(' '.repeat(2 << 20)))).toMatch(/longer/);
  });
});
