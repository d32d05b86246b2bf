import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  MAX_CHECKPOINT_LENGTH,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from './checkpoint.js';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import { MAX_TREE_SIZE } from './merkle.js';
import { generateNoteKey, parseSignerKey } from './note-keys.js';
import { hasControlCharacter, signNote } from './note.js';

// C2SP tlog-checkpoint's example body, and Go's tlog FormatTree output (note_test.go).
const C2SP_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const GO_TREE = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

function buildCheckpoint(overrides: Partial<Checkpoint> = {}): Checkpoint {
  return {
    origin: 'example.com/log',
    size: 3,
    rootHash: new Uint8Array(32).fill(9),
    extensions: [],
    ...overrides,
  };
}

function outcome(parse: () => unknown): 'ok' | LedgerErrorCode {
  try {
    parse();
    return 'ok';
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
}

/** A naive reference parser: one regular expression for the whole body (C2SP "Note text"). */
function naiveParse(text: string): Checkpoint | undefined {
  const m = /^([^\n]+)\n(0|[1-9][0-9]*)\n([A-Za-z0-9+/]{43}=)\n((?:[^\n]+\n)*)$/u.exec(text);
  if (m === null || hasControlCharacter(text) || text.length > MAX_CHECKPOINT_LENGTH) return undefined;
  const [, origin, size, hash, ext] = m as unknown as [string, string, string, string, string];
  const rootHash = Buffer.from(hash, 'base64');
  if (rootHash.toString('base64') !== hash || Number(size) > MAX_TREE_SIZE) return undefined;
  return {
    origin,
    size: Number(size),
    rootHash: new Uint8Array(rootHash),
    extensions: ext === '' ? [] : ext.slice(0, -1).split('\n'),
  };
}

describe('checkpoint body (C2SP tlog-checkpoint)', () => {
  it("parses the spec's example and Go's tree note", () => {
    const c = parseCheckpoint(C2SP_BODY);
    expect(c.origin).toBe('example.com/behind-the-sofa');
    expect(c.size).toBe(20852163);
    expect(Buffer.from(c.rootHash).toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(c.extensions).toEqual([]);
    expect(formatCheckpoint(c)).toBe(C2SP_BODY);
    expect(parseCheckpoint(GO_TREE).size).toBe(123456789012);
  });

  it('keeps extension lines and the empty tree', () => {
    const text = 'o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\n— ext two\n';
    expect(parseCheckpoint(text)).toMatchObject({ size: 0, extensions: ['ext one', '— ext two'] });
  });

  it.each([
    ['no final newline', C2SP_BODY.slice(0, -1)],
    ['two lines', 'example.com/log\n5\n'],
    ['empty origin', `\n5\n${'A'.repeat(43)}=\n`],
    ['leading zero', C2SP_BODY.replace('20852163', '020852163')],
    ['plus sign', C2SP_BODY.replace('20852163', '+20852163')],
    ['hex size', C2SP_BODY.replace('20852163', '0x13e')],
    ['negative size', C2SP_BODY.replace('20852163', '-1')],
    ['exponent', C2SP_BODY.replace('20852163', '2e7')],
    ['size above 2^52', C2SP_BODY.replace('20852163', String(MAX_TREE_SIZE + 1))],
    ['size of 2^64', C2SP_BODY.replace('20852163', '18446744073709551616')],
    [
      'short hash',
      C2SP_BODY.replace(
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
        'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx',
      ),
    ],
    ['unpadded hash', C2SP_BODY.replace('2I=', '2I')],
    ['non-zero padding bits', C2SP_BODY.replace('2I=', '2J=')],
    ['empty extension line', `${C2SP_BODY}\n`],
    ['carriage return', C2SP_BODY.replace('\n', '\r\n')],
    ['lone surrogate', `\ud800${C2SP_BODY}`],
    ['too large', `${C2SP_BODY}${'x\n'.repeat(MAX_CHECKPOINT_LENGTH)}`],
  ])('rejects %s', (_name, text) => {
    expect(outcome(() => parseCheckpoint(text))).toBe('ledger.malformed_checkpoint');
  });

  it('formats only what it can parse back', () => {
    for (const bad of [
      { origin: '' },
      { origin: 'a b' },
      { origin: 'a+b' },
      { size: -1 },
      { size: 1.5 },
      { size: MAX_TREE_SIZE + 1 },
      { rootHash: new Uint8Array(31) },
      { extensions: [''] },
      { extensions: ['a\nb'] },
    ]) {
      expect(
        outcome(() => formatCheckpoint(buildCheckpoint(bad))),
        JSON.stringify(bad),
      ).toBe('ledger.malformed_checkpoint');
    }
  });

  it('format and parse are inverse, and agree with the naive parser (property)', () => {
    const ext = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
      .filter((s) => !hasControlCharacter(s) && !s.includes('\n'));
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9./-]{1,30}$/),
        fc.integer({ min: 0, max: MAX_TREE_SIZE }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(ext, { maxLength: 3 }),
        (origin, size, rootHash, extensions) => {
          const c = { origin, size, rootHash, extensions };
          const text = formatCheckpoint(c);
          expect(parseCheckpoint(text)).toEqual(c);
          expect(naiveParse(text)).toEqual(c);
        },
      ),
    );
  });

  it('hostile text: parsed exactly when the naive parser accepts it, else malformed (property)', () => {
    const mutate = fc
      .tuple(
        fc.integer({ min: 0, max: C2SP_BODY.length }),
        fc.integer({ min: 0, max: 3 }),
        fc.string({ maxLength: 3 }),
      )
      .map(([at, cut, insert]) => C2SP_BODY.slice(0, at) + insert + C2SP_BODY.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 100 }), mutate), (text) => {
        const code = outcome(() => parseCheckpoint(text));
        expect(['ok', 'ledger.malformed_checkpoint']).toContain(code);
        const naive = naiveParse(text);
        if (code === 'ok') expect(parseCheckpoint(text)).toEqual(naive);
        else expect(naive).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});

describe('signed checkpoints', () => {
  const signer = parseSignerKey(generateNoteKey('example.com/log').signerKey);
  const witness = parseSignerKey(generateNoteKey('witness.example/w1').signerKey);

  it('signs and opens, checking the origin', () => {
    const c = buildCheckpoint();
    const signed = signCheckpoint(c, [signer]);
    expect(signed.startsWith(formatCheckpoint(c) + '\n— example.com/log ')).toBe(true);
    expect(openCheckpoint(signed, 'example.com/log', [signer.verifier]).checkpoint).toEqual(c);
    expect(outcome(() => openCheckpoint(signed, 'example.com/other', [signer.verifier]))).toBe(
      'ledger.origin_mismatch',
    );
    expect(outcome(() => openCheckpoint(signed, 'example.com/log', [witness.verifier]))).toBe(
      'ledger.unknown_key',
    );
  });

  it('a validly signed note whose text is not a checkpoint: ledger.malformed_checkpoint', () => {
    const note = signNote('example.com/log\nnot a size\n', [signer]);
    expect(outcome(() => openCheckpoint(note, 'example.com/log', [signer.verifier]))).toBe(
      'ledger.malformed_checkpoint',
    );
  });
});
