import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SUBJECT_MASTER_KEY_FILE,
  loadSubjectMasterKey,
  newSubjectKey,
  seal,
  subjectSecrets,
  unseal,
} from './subject-keys.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'synthguard-subject-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('AES-256-GCM sealing', () => {
  it('round-trips and binds the additional data', () => {
    const key = newSubjectKey();
    const plain = new TextEncoder().encode('{"phone":"13800138000"}');
    const sealed = seal(key, plain, 'record\0A');
    expect(unseal(key, sealed, 'record\0A')).toEqual(plain);
    expect(seal(key, plain, 'record\0A')).not.toBe(sealed); // a fresh nonce each time
    expect(unseal(key, sealed, 'record\0B')).toBeUndefined();
    expect(unseal(newSubjectKey(), sealed, 'record\0A')).toBeUndefined();
    expect(unseal(key, 'AAAA', 'record\0A')).toBeUndefined();
    const tampered = Buffer.from(sealed, 'base64');
    tampered[14]! ^= 1;
    expect(unseal(key, tampered.toString('base64'), 'record\0A')).toBeUndefined();
  });
});

describe('subject secrets', () => {
  it('hash subject ids with a key of their own and wrap keys per subject', () => {
    const master = newSubjectKey();
    const a = subjectSecrets(master);
    const b = subjectSecrets(newSubjectKey());
    expect(a.subjectId('user-1')).toMatch(/^[0-9a-f]{64}$/);
    expect(a.subjectId('user-1')).toBe(subjectSecrets(master).subjectId('user-1'));
    expect(a.subjectId('user-1')).not.toBe(b.subjectId('user-1'));
    const key = newSubjectKey();
    const wrapped = a.wrap('s1', key);
    expect(a.unwrap('s1', wrapped)).toEqual(key);
    expect(() => a.unwrap('s2', wrapped)).toThrow(
      expect.objectContaining({ code: 'ledger.subject_key_unavailable' }),
    );
    expect(() => b.unwrap('s1', wrapped)).toThrow(
      expect.objectContaining({ code: 'ledger.subject_key_unavailable' }),
    );
    expect(() => subjectSecrets(new Uint8Array(16))).toThrow(RangeError);
  });
});

describe('subject master key file', () => {
  it('is created once with mode 0600 and read back', async () => {
    const dir = await tempDir();
    const first = await loadSubjectMasterKey(dir, { mustExist: false });
    expect(first.created).toBe(true);
    expect((await stat(join(dir, SUBJECT_MASTER_KEY_FILE))).mode & 0o777).toBe(0o600);
    const again = await loadSubjectMasterKey(dir, { mustExist: true });
    expect(again).toEqual({ key: first.key, created: false });
    expect((await readFile(join(dir, SUBJECT_MASTER_KEY_FILE), 'utf8')).trim()).toHaveLength(44);
  });

  it('is not re-created when stored keys depend on it, and must be 32 bytes', async () => {
    const dir = await tempDir();
    await expect(loadSubjectMasterKey(dir, { mustExist: true })).rejects.toMatchObject({
      code: 'ledger.subject_key_unavailable',
      details: { problem: 'missing' },
    });
    await writeFile(join(dir, SUBJECT_MASTER_KEY_FILE), 'c2hvcnQ=\n');
    await expect(loadSubjectMasterKey(dir, { mustExist: false })).rejects.toMatchObject({
      code: 'ledger.subject_key_unavailable',
      details: { problem: 'malformed' },
    });
  });
});
