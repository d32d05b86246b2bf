import { describe, expect, it } from 'vitest';
import { signCheckpoint } from '../checkpoint.js';
import type { LedgerError } from '../errors.js';
import { generateNoteKey, noteSigner, parseSignerKey, parseVerifierKey } from '../note-keys.js';
import { openNote } from '../note.js';
import {
  COSIGNATURE_V1_ALG,
  MAX_COSIGNATURE_TIMESTAMP,
  cosignCheckpoint,
  cosignatureMessage,
  cosignatureSigner,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignatureVerifierFromNoteKey,
  openCosignedCheckpoint,
  parseCosignatureSignerKey,
  parseCosignatureVerifierKey,
} from './cosignature.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    return (err as LedgerError).code;
  }
  return 'no error';
};

// A real checkpoint of a public CT log, cosigned by witnesses of the public witness network
// (taken from tlog-scales' test suite). remora.n621.de publishes a native type 0x04 vkey.
const REAL_ORIGIN = 'arche2025h1.staging.ct.transparency.dev';
const REAL_CHECKPOINT = `arche2025h1.staging.ct.transparency.dev
1432088532
U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==
`;
const REAL_LOG_KEY =
  'arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f';
const REMORA_KEY = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

function buildCheckpointText(size = 7, extensions: string[] = []): string {
  const root = Buffer.alloc(32, size).toString('base64');
  return `example.com/log\n${size}\n${root}\n${extensions.map((e) => `${e}\n`).join('')}`;
}

describe('cosignature/v1 keys', () => {
  it('parses a published type 0x04 vkey and re-encodes it exactly', () => {
    const v = parseCosignatureVerifierKey(REMORA_KEY);
    expect(v.name).toBe('remora.n621.de');
    expect(v.keyHash).toBe(0xda77ade7);
    expect(v.type).toBe('cosignature/v1');
    expect(v.verifierKey).toBe(REMORA_KEY);
  });

  it('derives the 0x04 key ID from the name, the type byte and the key', () => {
    const { signerKey, verifierKey } = generateNoteKey('witness.example/w1');
    const note = parseVerifierKey(verifierKey);
    const cosigner = parseCosignatureSignerKey(signerKey);
    const v = cosignatureVerifierFromNoteKey(note);
    expect(cosigner.verifier.verifierKey).toBe(v.verifierKey);
    expect(v.keyHash).not.toBe(note.keyHash); // 0x04 vs 0x01
    expect(Buffer.from(v.verifierKey.split('+')[2]!, 'base64')[0]).toBe(COSIGNATURE_V1_ALG);
    expect(parseCosignatureVerifierKey(v.verifierKey).publicKey).toEqual(note.publicKey);
  });

  it('refuses malformed verifier keys', () => {
    const good = parseCosignatureVerifierKey(REMORA_KEY).verifierKey;
    expect(code(() => parseCosignatureVerifierKey(REAL_LOG_KEY))).toBe('ledger.invalid_key'); // type 0x01
    expect(code(() => parseCosignatureVerifierKey(good.replace('da77ade7', 'da77ade8')))).toBe(
      'ledger.invalid_key',
    );
    expect(code(() => parseCosignatureVerifierKey('remora.n621.de+da77ade7'))).toBe('ledger.invalid_key');
    expect(code(() => parseCosignatureVerifierKey('a b+da77ade7+BOvN'))).toBe('ledger.invalid_key');
    expect(code(() => parseCosignatureVerifierKey('x+da77ade7+BA=='))).toBe('ledger.invalid_key');
    expect(code(() => parseCosignatureVerifierKey('x'.repeat(2000)))).toBe('ledger.invalid_key');
    expect(code(() => cosignatureVerifier('x', new Uint8Array(31)))).toBe('ledger.invalid_key');
  });
});

describe('cosignatures on a real checkpoint', () => {
  it('verifies the remora.n621.de cosignature and reads its timestamp', () => {
    const opened = openCosignedCheckpoint(
      REAL_CHECKPOINT,
      REAL_ORIGIN,
      [parseVerifierKey(REAL_LOG_KEY)],
      [parseCosignatureVerifierKey(REMORA_KEY)],
    );
    expect(opened.checkpoint.size).toBe(1432088532);
    expect(opened.cosignatures).toEqual([
      { name: 'remora.n621.de', keyHash: 0xda77ade7, verifierKey: REMORA_KEY, timestamp: 1779573024 },
    ]);
    // The other witnesses' and the RFC 6962 STH signature (type 0x05) are ignored, not errors.
    expect(opened.note.unverifiedSignatures.length).toBe(4);
  });

  it('rejects the checkpoint once a byte of it changed', () => {
    const tampered = REAL_CHECKPOINT.replace('1432088532', '1432088533');
    expect(code(() => openNote(tampered, [parseCosignatureVerifierKey(REMORA_KEY)]))).toBe(
      'ledger.invalid_signature',
    );
  });

  it('requires the log signature, not only a cosignature', () => {
    expect(
      code(() =>
        openCosignedCheckpoint(REAL_CHECKPOINT, REAL_ORIGIN, [], [parseCosignatureVerifierKey(REMORA_KEY)]),
      ),
    ).toBe('ledger.unknown_key');
  });

  it('reads timestamps as transparency-dev/formats does (CoSigV1Timestamp vector)', () => {
    const base64 =
      'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==';
    expect(cosignatureTimestamp({ name: 'x', keyHash: 0x646846b9, base64 })).toBe(1727964367);
    // A plain Ed25519 note signature (4 + 64 bytes) is not a cosignature.
    const plain =
      'eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=';
    expect(code(() => cosignatureTimestamp({ name: 'x', keyHash: 0, base64: plain }))).toBe(
      'ledger.invalid_cosignature',
    );
    expect(code(() => cosignatureTimestamp({ name: 'x', keyHash: 0, base64: '5%/$!' }))).toBe(
      'ledger.invalid_cosignature',
    );
  });
});

describe('cosigning', () => {
  const seed = new Uint8Array(32).fill(7);
  const signer = cosignatureSigner('witness.example/w1', seed);

  it('signs "cosignature/v1\\ntime <t>\\n" + body and verifies through openNote', () => {
    const text = buildCheckpointText();
    const line = cosignCheckpoint(text, signer, 1700000000);
    expect(line).toMatch(/^— witness\.example\/w1 [A-Za-z0-9+/]{102}==\n$/);
    const raw = Buffer.from(line.split(' ')[2]!.trim(), 'base64');
    expect(raw.readUInt32BE(0)).toBe(signer.keyHash);
    expect(raw.readBigUInt64BE(4)).toBe(1700000000n);
    // The signature is plain Ed25519 over the documented message (check with the 0x01 form).
    const plainVerifier = noteSigner('witness.example/w1', seed).verifier;
    expect(plainVerifier.verify(cosignatureMessage(1700000000, Buffer.from(text)), raw.subarray(12))).toBe(
      true,
    );
    const opened = openNote(`${text}\n${line}`, [signer.verifier]);
    expect(cosignatureTimestamp(opened.signatures[0]!)).toBe(1700000000);
  });

  it('is deterministic for a key, body and time (Ed25519)', () => {
    const text = buildCheckpointText();
    expect(cosignCheckpoint(text, signer, 1700000000)).toBe(cosignCheckpoint(text, signer, 1700000000));
    expect(cosignCheckpoint(text, signer, 1700000001)).not.toBe(cosignCheckpoint(text, signer, 1700000000));
  });

  it('covers extension lines and the timestamp', () => {
    const text = buildCheckpointText(7, ['ext one']);
    const line = cosignCheckpoint(text, signer, 1700000000);
    expect(code(() => openNote(`${text.replace('ext one', 'ext two')}\n${line}`, [signer.verifier]))).toBe(
      'ledger.invalid_signature',
    );
    const raw = Buffer.from(line.slice(line.lastIndexOf(' ') + 1, -1), 'base64');
    raw.writeBigUInt64BE(1700000001n, 4);
    const moved = `— witness.example/w1 ${raw.toString('base64')}\n`;
    expect(code(() => openNote(`${text}\n${moved}`, [signer.verifier]))).toBe('ledger.invalid_signature');
  });

  it('is not a plain note signature: the 0x01 key of the same seed does not match it', () => {
    const text = buildCheckpointText();
    const line = cosignCheckpoint(text, signer, 1700000000);
    const plainVerifier = noteSigner('witness.example/w1', seed).verifier;
    expect(code(() => openNote(`${text}\n${line}`, [plainVerifier]))).toBe('ledger.unknown_key');
  });

  it('refuses to cosign anything but a checkpoint, or at a bad time', () => {
    expect(code(() => cosignCheckpoint('hello\n', signer, 1700000000))).toBe('ledger.malformed_checkpoint');
    expect(code(() => cosignCheckpoint(buildCheckpointText(), signer, 0))).toBe('ledger.invalid_argument');
    expect(code(() => cosignCheckpoint(buildCheckpointText(), signer, MAX_COSIGNATURE_TIMESTAMP + 1))).toBe(
      'ledger.invalid_argument',
    );
  });

  it('verify() refuses wrong lengths and timestamps over 2^53 - 1', () => {
    const text = Buffer.from(buildCheckpointText());
    const sig = signer.sign(text, 1700000000);
    expect(signer.verifier.verify(text, sig)).toBe(true);
    expect(signer.verifier.verify(text, sig.subarray(0, 71))).toBe(false);
    const huge = Buffer.from(sig);
    huge.writeBigUInt64BE(2n ** 63n - 1n, 0);
    expect(signer.verifier.verify(text, huge)).toBe(false);
  });

  it('rejects a cosignature dated in the future when asked to', () => {
    const { signerKey, verifierKey } = generateNoteKey('example.com/log');
    const log = parseSignerKey(signerKey);
    const note = signCheckpoint(
      { origin: 'example.com/log', size: 3, rootHash: new Uint8Array(32).fill(3), extensions: [] },
      [log],
    );
    const text = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const cosigned = note + cosignCheckpoint(text, signer, 1700000600);
    const open = (now: number) =>
      openCosignedCheckpoint(
        cosigned,
        'example.com/log',
        [parseVerifierKey(verifierKey)],
        [signer.verifier],
        {
          now,
          maxFutureSeconds: 60,
        },
      );
    expect(open(1700000600_000).cosignatures.map((c) => c.timestamp)).toEqual([1700000600]);
    expect(code(() => open(1700000000_000))).toBe('ledger.invalid_cosignature');
    expect(
      code(() =>
        openCosignedCheckpoint(
          cosigned,
          'example.com/other',
          [parseVerifierKey(verifierKey)],
          [signer.verifier],
        ),
      ),
    ).toBe('ledger.origin_mismatch');
  });
});
