import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError, type LedgerErrorCode } from './errors.js';
import {
  type NoteSigner,
  type NoteVerifier,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.js';
import {
  MAX_NOTE_SIGNATURES,
  type NoteSignature,
  type OpenedNote,
  hasControlCharacter,
  openNote,
  signNote,
} from './note.js';

// Go's golang.org/x/mod/sumdb/note note_test.go (TestOpen): text, keys and signatures.
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER = parseVerifierKey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
const ENOCH = parseVerifierKey('EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop');
const PETER_B64 =
  'x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=';
const ENOCH_B64 =
  'rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=';
const PETER_SIG = `— PeterNeumann ${PETER_B64}\n`;
const ENOCH_SIG = `— EnochRoot ${ENOCH_B64}\n`;
const peter = { name: 'PeterNeumann', keyHash: 0xc74f20a3, base64: PETER_B64 };
const enoch = { name: 'EnochRoot', keyHash: 0xaf0cfe78, base64: ENOCH_B64 };

function buildSigner(name: string): NoteSigner {
  return parseSignerKey(generateNoteKey(name).signerKey);
}

/** The error code openNote throws, or 'ok'. Anything but a LedgerError fails the test. */
function outcome(msg: string | Uint8Array, known: readonly NoteVerifier[]): 'ok' | LedgerErrorCode {
  try {
    openNote(msg, known);
    return 'ok';
  } catch (err) {
    if (err instanceof LedgerError) return err.code;
    throw err;
  }
}

describe('signed notes: Go golden vectors', () => {
  it("signs exactly as Go's note.Sign (Ed25519 is deterministic)", () => {
    expect(signNote(TEXT, [parseSignerKey(PETER_SIGNER)])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('one signature verified, one by an unknown key kept unverified', () => {
    const n = openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER]);
    expect(n).toEqual({ text: TEXT, signatures: [peter], unverifiedSignatures: [enoch] });
  });

  it('both verified, in note order', () => {
    const n = openNote(Buffer.from(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`), [ENOCH, PETER]);
    expect(n.signatures).toEqual([peter, enoch]);
    expect(n.unverifiedSignatures).toEqual([]);
  });

  it('no known key: ledger.unknown_key', () => {
    expect(outcome(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [])).toBe('ledger.unknown_key');
    // same key ID, other name; same name, other key ID: both unknown (C2SP: "but not both")
    const renamed = PETER_SIG.replace('PeterNeumann', 'PeterNeumanN');
    expect(outcome(`${TEXT}\n${renamed}`, [PETER])).toBe('ledger.unknown_key');
    const rehashed = `— PeterNeumann ${ENOCH_B64}\n`;
    expect(outcome(`${TEXT}\n${rehashed}`, [PETER])).toBe('ledger.unknown_key');
  });

  it('a known key whose signature fails: ledger.invalid_signature, even next to a good one', () => {
    const bad = PETER_SIG.slice(0, 60) + 'ABCD' + PETER_SIG.slice(60);
    expect(outcome(`${TEXT}\n${bad}`, [PETER])).toBe('ledger.invalid_signature');
    const forged = `${TEXT.replace('think', 'thunk')}\n${PETER_SIG}`;
    expect(outcome(forged, [PETER])).toBe('ledger.invalid_signature');
    expect(outcome(`${TEXT}\n${ENOCH_SIG}${PETER_SIG.replace('x08g', 'x08g')}`, [PETER])).toBe('ok');
    const enochBad = ENOCH_SIG.slice(0, 60) + 'ABCD' + ENOCH_SIG.slice(60);
    expect(outcome(`${TEXT}\n${PETER_SIG}${enochBad}`, [PETER, ENOCH])).toBe('ledger.invalid_signature');
  });

  it('drops repeated signatures like Go: one per known key, identical unknown lines once', () => {
    const enochAbcd = ENOCH_SIG.slice(0, 60) + 'ABCD' + ENOCH_SIG.slice(60);
    const n = openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`, [PETER]);
    expect(n.signatures).toEqual([peter]);
    expect(n.unverifiedSignatures.map((s) => s.base64)).toEqual([ENOCH_B64, enochAbcd.slice(12, -1)]);
  });

  it('caps signatures at 100 (Go), known or not', () => {
    expect(outcome(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES)}`, [PETER])).toBe('ok');
    expect(outcome(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`, [PETER])).toBe(
      'ledger.malformed_note',
    );
    expect(outcome(`${TEXT}\n${ENOCH_SIG.repeat(101)}`, [])).toBe('ledger.malformed_note');
    expect(() => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, [PETER], { maxSignatures: 1 })).toThrow(
      LedgerError,
    );
    expect(() => openNote(`${TEXT}\n${PETER_SIG}`, [PETER], { maxBytes: 100 })).toThrow(/malformed/);
  });

  it.each([
    ['text only', TEXT],
    ['no signature line', `${TEXT}\n`],
    ['signature without final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['tab', `${TEXT.replace(' ', '\t')}\n${PETER_SIG}`],
    ['carriage return', `${TEXT}\n${PETER_SIG.replace('\n', '\r\n')}`],
    ['space in name', `${TEXT}\n— Bad Name ${PETER_B64}\n`],
    ['unexpected line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ['hyphen, not em dash', `${TEXT}\n${PETER_SIG.replace('—', '-')}`],
    ['two spaces', `${TEXT}\n${PETER_SIG.replace(' x08go', '  x08go')}`],
    ['no signature bytes', `${TEXT}\n— PeterNeumann x08gow==\n`],
    ['base64url', `${TEXT}\n${PETER_SIG.replace('/', '_')}`],
    ['empty text', `\n${PETER_SIG}`],
  ])('malformed: %s', (_name, msg) => {
    expect(outcome(msg, [PETER])).toBe('ledger.malformed_note');
  });

  it('rejects invalid UTF-8 and lone surrogates as malformed, never as another error', () => {
    const bytes = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(outcome(bytes, [PETER])).toBe('ledger.malformed_note');
    const surrogate = Buffer.concat([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(`${TEXT}\n${PETER_SIG}`)]);
    expect(outcome(surrogate, [PETER])).toBe('ledger.malformed_note');
    expect(outcome(`\ud800${TEXT}\n${PETER_SIG}`, [PETER])).toBe('ledger.malformed_note');
  });
});

describe('signed notes: our signer and verifier', () => {
  const a = buildSigner('example.com/a');
  const b = buildSigner('example.com/b');

  it('signs with several keys; each verifies alone; the text may hold blank lines and a BOM', () => {
    const text = '\ufeffline one\n\nline three, after a blank line ✓\n';
    const signed = signNote(text, [a, b]);
    for (const known of [[a.verifier], [b.verifier], [a.verifier, b.verifier]]) {
      expect(openNote(signed, known).text).toBe(text);
    }
    expect(openNote(Buffer.from(signed), [b.verifier]).unverifiedSignatures.map((s) => s.name)).toEqual([
      'example.com/a',
    ]);
  });

  it('cosigning keeps earlier signatures and replaces one by the same key', () => {
    const first = openNote(signNote(TEXT, [a]), [a.verifier]);
    const cosigned = signNote(first.text, [b], first.signatures);
    expect(openNote(cosigned, [a.verifier, b.verifier]).signatures.map((s) => s.name)).toEqual([
      'example.com/a',
      'example.com/b',
    ]);
    const resigned = signNote(first.text, [a], first.signatures);
    expect(resigned.match(/—/g)).toHaveLength(1);
    const wrongHash = { ...first.signatures[0]!, keyHash: 1 };
    expect(() => signNote(TEXT, [b], [wrongHash])).toThrow(/malformed/);
  });

  it.each([
    ['no final newline', 'abc'],
    ['a control character', 'a\u0007b\n'],
    ['a lone surrogate', 'a\udc00b\n'],
  ])('refuses to sign text with %s', (_name, text) => {
    expect(() => signNote(text, [a])).toThrow(LedgerError);
  });

  it('refuses no signer and the same signer twice', () => {
    expect(() => signNote(TEXT, [])).toThrow(LedgerError);
    expect(() => signNote(TEXT, [a, a])).toThrow(/twice/);
  });

  it('rejects two different known keys with the same name and key ID', () => {
    const fake: NoteVerifier = { ...PETER, verifierKey: 'other', verify: () => true };
    expect(outcome(`${TEXT}\n${PETER_SIG}`, [PETER, fake])).toBe('ledger.invalid_key');
    expect(outcome(`${TEXT}\n${PETER_SIG}`, [PETER, PETER])).toBe('ok');
  });
});

/**
 * A naive reference of C2SP signed-note framing, written from the spec text line by line (no
 * byte search): the text ends before the last empty line, every later line is `— name base64`.
 */
function naiveOpen(
  msg: string,
  known: readonly NoteVerifier[],
): 'malformed' | 'unknown' | 'invalid' | OpenedNote {
  for (let i = 0; i < msg.length; i++) if (msg.charCodeAt(i) < 0x20 && msg[i] !== '\n') return 'malformed';
  if (!msg.endsWith('\n')) return 'malformed';
  const lines = msg.split('\n').slice(0, -1);
  const blank = lines.lastIndexOf('');
  if (blank <= 0) return 'malformed'; // no blank line, or an empty text (no "\n\n" at all)
  const textLines = lines.slice(0, blank);
  const sigLines = lines.slice(blank + 1);
  if (sigLines.length === 0 || sigLines.length > MAX_NOTE_SIGNATURES) return 'malformed';
  const text = textLines.join('\n') + '\n';
  const parsed = [];
  for (const line of sigLines) {
    const m = /^— ([^ ]*) (.*)$/su.exec(line) ?? /^— ([^ ]*)()$/su.exec(line);
    if (m === null) return 'malformed';
    const [, name, b64] = m as unknown as [string, string, string];
    const raw = Buffer.from(b64, 'base64');
    // Unicode White_Space, listed out, and '+'
    if (
      name === '' ||
      /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+]/.test(name)
    )
      return 'malformed';
    if (b64 === '' || raw.toString('base64') !== b64 || raw.length < 5) return 'malformed';
    parsed.push({
      line,
      sig: { name, keyHash: raw.readUInt32BE(0), base64: b64 },
      signature: raw.subarray(4),
    });
  }
  const signatures: NoteSignature[] = [];
  const unverifiedSignatures: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const { line, sig, signature } of parsed) {
    const v = known.find((k) => k.name === sig.name && k.keyHash === sig.keyHash);
    if (v === undefined) {
      if (!seen.has(line)) unverifiedSignatures.push(sig);
      seen.add(line);
    } else if (!signatures.some((s) => s.name === sig.name && s.keyHash === sig.keyHash)) {
      if (!v.verify(Buffer.from(text), signature)) return 'invalid';
      signatures.push(sig);
    }
  }
  return signatures.length === 0 ? 'unknown' : { text, signatures, unverifiedSignatures };
}

function ours(msg: string, known: readonly NoteVerifier[]): ReturnType<typeof naiveOpen> {
  const code = outcome(msg, known);
  if (code === 'ok') return openNote(msg, known);
  return code === 'ledger.malformed_note'
    ? 'malformed'
    : code === 'ledger.unknown_key'
      ? 'unknown'
      : 'invalid';
}

describe('signed notes: properties', () => {
  const keys = [buildSigner('k1'), buildSigner('k2'), buildSigner('k2')];
  const line = fc.oneof(
    fc.constant(''),
    fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\n') && !/\p{Cs}/u.test(s)),
  );

  it('round trip: any note text signed by any known keys opens to the same text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.subarray(keys, { minLength: 1 }),
        fc.subarray(keys),
        (lines, signers, trusted) => {
          const text = lines.join('\n') + '\n';
          if (hasControlCharacter(text)) return;
          const signed = signNote(text, signers);
          const result = ours(
            signed,
            trusted.map((k) => k.verifier),
          );
          expect(result).toEqual(
            naiveOpen(
              signed,
              trusted.map((k) => k.verifier),
            ),
          );
          const expectVerified = signers.filter((s) => trusted.includes(s)).length > 0;
          if (expectVerified) expect((result as OpenedNote).text).toBe(text);
          else expect(result).toBe('unknown');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the naive reference on notes assembled from good, bad and blank lines (property)', () => {
    const signed = signNote('origin\n1\n', [keys[0]!, keys[1]!]);
    const sigLines = signed.split('\n').filter((l) => l.startsWith('—'));
    const piece = fc.oneof(
      fc.constantFrom(
        ...sigLines,
        '',
        'origin',
        '1',
        '— k1 AAAA',
        '— k1 AAAAAAAA',
        '— k 1',
        '—  x',
        '— k1\u00a0x',
      ),
      line,
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 8 }),
        fc.boolean(),
        fc.subarray(keys),
        (pieces, newline, trusted) => {
          const msg = pieces.join('\n') + (newline ? '\n' : '');
          const known = trusted.map((k) => k.verifier);
          expect(ours(msg, known)).toEqual(naiveOpen(msg, known));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hostile bytes: opened or a LedgerError; an accepted mutation never changes the text (property)', () => {
    const good = Buffer.from(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .tuple(
              fc.integer({ min: 0, max: good.length }),
              fc.integer({ min: 0, max: 4 }),
              fc.uint8Array({ maxLength: 4 }),
            )
            .map(([at, cut, insert]) =>
              Buffer.concat([good.subarray(0, at), insert, good.subarray(at + cut)]),
            ),
        ),
        (bytes) => {
          if (outcome(bytes, [PETER, ENOCH]) === 'ok')
            expect(openNote(bytes, [PETER, ENOCH]).text).toBe(TEXT);
        },
      ),
      { numRuns: 3000 },
    );
    expect(outcome('x'.repeat(2 << 20), [PETER])).toBe('ledger.malformed_note');
  });
});
