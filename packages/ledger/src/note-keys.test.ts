import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import {
  MAX_NOTE_KEY_TEXT,
  encodeSignerKey,
  encodeVerifierKey,
  generateNoteKey,
  isValidKeyName,
  noteKeyHash,
  parseSignerKey,
  parseVerifierKey,
} from './note-keys.js';

// Go's golang.org/x/mod/sumdb/note documentation and note_test.go.
const PETER_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VERIFIER = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';

function keyProblem(parse: () => unknown): string {
  try {
    parse();
  } catch (err) {
    if (err instanceof LedgerError && err.code === 'ledger.invalid_key') return String(err.details?.problem);
    throw err;
  }
  return 'ok';
}

describe('signed-note keys', () => {
  it("reads Go's example keys and derives the same verifier from the signer key", () => {
    const v = parseVerifierKey(PETER_VERIFIER);
    expect(v.name).toBe('PeterNeumann');
    expect(v.keyHash).toBe(0xc74f20a3);
    expect(v.verifierKey).toBe(PETER_VERIFIER);
    const s = parseSignerKey(PETER_SIGNER);
    expect(s.keyHash).toBe(0xc74f20a3);
    expect(s.verifier.verifierKey).toBe(PETER_VERIFIER);
    expect(parseVerifierKey(ENOCH_VERIFIER).keyHash).toBe(0xaf0cfe78);
  });

  it('key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4] (C2SP signed-note, Ed25519)', () => {
    const v = parseVerifierKey(PETER_VERIFIER);
    expect(noteKeyHash('PeterNeumann', Uint8Array.of(1, ...v.publicKey))).toBe(0xc74f20a3);
    expect(noteKeyHash('PeterNeumannX', Uint8Array.of(1, ...v.publicKey))).not.toBe(0xc74f20a3);
  });

  it('generates key pairs whose texts round-trip', () => {
    const { signerKey, verifierKey } = generateNoteKey('example.com/log');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+example\.com\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey).toMatch(/^example\.com\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const s = parseSignerKey(signerKey);
    const v = parseVerifierKey(verifierKey);
    expect(s.verifier.verifierKey).toBe(verifierKey);
    const msg = new TextEncoder().encode('hello\n');
    expect(v.verify(msg, s.sign(msg))).toBe(true);
    expect(v.verify(new TextEncoder().encode('hellp\n'), s.sign(msg))).toBe(false);
    const seed = Buffer.from(/^(?:[^+]*\+){4}(.*)$/.exec(signerKey)![1]!, 'base64').subarray(1);
    expect(encodeSignerKey('example.com/log', seed)).toBe(signerKey);
    expect(encodeVerifierKey('example.com/log', v.publicKey)).toBe(verifierKey);
  });

  it.each([
    ['empty', ''],
    ['no separators', 'PeterNeumann'],
    ['one separator', 'PeterNeumann+c74f20a3'],
    ['key ID of 7 digits', 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['key ID not hex', 'PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['wrong key ID', 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['other name, same key', 'PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['empty name', '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['name with a space', 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['name with NBSP', 'Peter\u00a0Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['algorithm 2', 'PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'],
    ['short key', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy'],
    ['base64url', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq_LDE4izWy10TW'],
    ['unpadded base64', 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T'],
    ['empty key', 'PeterNeumann+c74f20a3+'],
    ['too long', `${'a'.repeat(MAX_NOTE_KEY_TEXT)}+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`],
  ])('rejects a verifier key: %s', (_name, text) => {
    expect(keyProblem(() => parseVerifierKey(text))).not.toBe('ok');
  });

  it.each([
    ['a verifier key', PETER_VERIFIER],
    ['PRIVATE+KEY missing', PETER_SIGNER.slice('PRIVATE+KEY+'.length)],
    ['lower-case prefix', PETER_SIGNER.replace('PRIVATE+KEY', 'private+key')],
    ['wrong key ID', PETER_SIGNER.replace('c74f20a3', 'c74f20a4')],
    ['other name', PETER_SIGNER.replace('PeterNeumann', 'PeterNeumanN')],
    ['short seed', PETER_SIGNER.slice(0, -4)],
  ])('rejects a signer key: %s', (_name, text) => {
    expect(keyProblem(() => parseSignerKey(text))).not.toBe('ok');
  });

  it('never puts signer key material in an error', () => {
    const bad = PETER_SIGNER.replace('c74f20a3', 'c74f20a4');
    try {
      parseSignerKey(bad);
      expect.unreachable();
    } catch (err) {
      const e = err as LedgerError;
      const seen = `${e.message} ${JSON.stringify(e.details)}`;
      expect(seen).not.toContain('AYEKFALV');
      expect(seen).not.toContain('PeterNeumann');
    }
  });

  it('key names follow C2SP (non-empty, no Unicode White_Space, no +, well-formed)', () => {
    for (const ok of ['a', 'example.com/log42', 'Ünïcødé', '😀']) expect(isValidKeyName(ok)).toBe(true);
    for (const bad of ['', 'a b', 'a+b', 'a\tb', 'a\u2028b', 'a\u3000b', 'a\u0085b', '\ud800'])
      expect(isValidKeyName(bad), JSON.stringify(bad)).toBe(false);
    expect(isValidKeyName('a\ufeffb')).toBe(true); // U+FEFF is not White_Space (Go agrees)
  });

  it('hostile key texts: parsed or ledger.invalid_key, nothing else (property)', () => {
    const mutate = (base: string) =>
      fc
        .tuple(
          fc.integer({ min: 0, max: base.length }),
          fc.integer({ min: 0, max: 3 }),
          fc.string({ maxLength: 3 }),
        )
        .map(([at, cut, insert]) => base.slice(0, at) + insert + base.slice(at + cut));
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 120 }), mutate(PETER_VERIFIER), mutate(PETER_SIGNER)),
        (text) => {
          for (const parse of [parseVerifierKey, parseSignerKey]) {
            const problem = keyProblem(() => parse(text));
            if (problem === 'ok')
              expect([PETER_VERIFIER, PETER_SIGNER]).toContain(
                text.replace(/[a-f0-9]{8}/i, (h) => h.toLowerCase()),
              );
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
