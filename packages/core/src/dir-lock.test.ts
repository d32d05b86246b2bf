import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDirectory } from './dir-lock.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synthguard-lock-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('lockDirectory', () => {
  it('is exclusive within the process until released, and creates the directory', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const release = lockDirectory(dir, 'x.lock');
    expect(typeof release).toBe('function');
    expect(lockDirectory(dir, 'x.lock')).toEqual({ heldBy: process.pid });
    // Another lock file in the same directory is another lock.
    const other = lockDirectory(dir, 'y.lock');
    expect(typeof other).toBe('function');
    (release as () => void)();
    const again = lockDirectory(dir, 'x.lock');
    expect(typeof again).toBe('function');
    (again as () => void)();
    (other as () => void)();
  });

  it('takes over a lock left by a process that is gone, or holding garbage', () => {
    const dir = tempDir();
    // Pid 2^22 + 1 is above Linux's pid_max default: no such process.
    writeFileSync(join(dir, 'x.lock'), `${2 ** 22 + 1}\n`);
    const release = lockDirectory(dir, 'x.lock');
    expect(typeof release).toBe('function');
    (release as () => void)();
    writeFileSync(join(dir, 'x.lock'), 'not a pid');
    expect(typeof lockDirectory(dir, 'x.lock')).toBe('function');
  });

  it('reports a live holder: pid 1 is always alive', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.lock'), '1\n');
    expect(lockDirectory(dir, 'x.lock')).toEqual({ heldBy: 1 });
  });
});
