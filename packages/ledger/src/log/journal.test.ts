import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Journal, JOURNAL_DIR, encodeFrames, openFileJournal } from './journal.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const buildEntries = (n: number, from = 0): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => enc(`entry ${from + i}`));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'synthguard-journal-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const segments = (): string[] =>
  readdirSync(join(dir, JOURNAL_DIR))
    .filter((n) => n.endsWith('.wal'))
    .sort();
const segFile = (name: string): string => join(dir, JOURNAL_DIR, name);

async function withJournal<T>(
  integrated: number,
  fn: (j: Journal) => Promise<T>,
  segmentBytes?: number,
): Promise<T> {
  const j = await openFileJournal(dir, { integrated, segmentBytes });
  try {
    return await fn(j);
  } finally {
    await j.close();
  }
}

describe('file journal', () => {
  it('appends batches with consecutive indexes and replays them after reopening', async () => {
    await withJournal(0, async (j) => {
      expect(await j.append(buildEntries(3))).toBe(0);
      expect(await j.append(buildEntries(2, 3))).toBe(3);
      expect(j.size).toBe(5);
    });
    await withJournal(0, async (j) => {
      expect(j.size).toBe(5);
      expect((await j.replay(0)).map(dec)).toEqual(buildEntries(5).map(dec));
      expect((await j.replay(2)).map(dec)).toEqual(['entry 2', 'entry 3', 'entry 4']);
    });
  });

  it('frames carry length, index and a CRC-32 over header and entry', () => {
    const f = encodeFrames([enc('ab')], 0x1_0000_0002);
    expect([...f.subarray(0, 12)]).toEqual([0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2]);
    expect(f.length).toBe(18);
  });

  it('rolls segments and releases the ones wholly below the integrated size', async () => {
    await withJournal(
      0,
      async (j) => {
        for (let i = 0; i < 10; i++) await j.append(buildEntries(10, i * 10));
        expect(segments().length).toBeGreaterThan(3);
        await j.release(55);
        const firsts = segments().map((n) => Number(n.slice(0, 16)));
        expect(firsts[0]).toBeLessThanOrEqual(55);
        expect(firsts[1]).toBeGreaterThan(55);
        expect((await j.replay(55)).map(dec)).toEqual(buildEntries(45, 55).map(dec));
      },
      300,
    );
    // Reopening at a later integrated size drops more, and appends continue at the end.
    await withJournal(90, async (j) => {
      expect(j.size).toBe(100);
      expect(await j.append(buildEntries(1, 100))).toBe(100);
      expect((await j.replay(90)).length).toBe(11);
    });
  });

  it('starts at the integrated size when the journal is empty or wholly integrated', async () => {
    await withJournal(7, async (j) => {
      expect(j.size).toBe(7);
      expect(await j.append([enc('x')])).toBe(7);
    });
    await withJournal(20, async (j) => {
      expect(j.size).toBe(20);
      expect(await j.replay(20)).toEqual([]);
    });
  });

  describe('recovery', () => {
    async function writeTen(): Promise<string> {
      await withJournal(0, async (j) => {
        await j.append(buildEntries(5));
        await j.append(buildEntries(5, 5));
      });
      return segFile(segments()[0]!);
    }

    it('cuts off a tail torn short by the end of the file', async () => {
      const file = await writeTen();
      const len = readFileSync(file).length;
      truncateSync(file, len - 3); // the last frame lost 3 bytes
      await withJournal(0, async (j) => {
        expect(j.size).toBe(9);
        expect(await j.append([enc('again')])).toBe(9);
      });
      await withJournal(0, async (j) => {
        expect((await j.replay(8)).map(dec)).toEqual(['entry 8', 'again']);
      });
    });

    it('cuts off a zero-filled tail (the file grew before its data reached the disk)', async () => {
      const file = await writeTen();
      const buf = readFileSync(file);
      const last = buf.length - (16 + 'entry 9'.length);
      buf.fill(0, last + 10); // the last frame's end, zeroed
      writeFileSync(file, Buffer.concat([buf, Buffer.alloc(4096)]));
      await withJournal(0, (j) => {
        expect(j.size).toBe(9);
        return Promise.resolve();
      });
    });

    it('cuts off a torn segment header', async () => {
      await writeTen();
      writeFileSync(segFile('0000000000000010.wal'), Buffer.from('SGW'));
      await withJournal(0, async (j) => {
        expect(j.size).toBe(10);
        expect(await j.append([enc('x')])).toBe(10);
      });
    });

    it('reports a bad frame in the middle as corrupt, never dropping what follows', async () => {
      const file = await writeTen();
      const buf = readFileSync(file);
      buf[8 + 16 + 2]! ^= 0x01; // a bit flip in entry 0
      writeFileSync(file, buf);
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { path: `journal/${segments()[0]!}`, index: 0 },
      });
    });

    it('reports a bit flip in the complete last frame as corrupt', async () => {
      const file = await writeTen();
      const buf = readFileSync(file);
      buf[buf.length - 2]! ^= 0x40;
      writeFileSync(file, buf);
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({ code: 'ledger.corrupt' });
    });

    it('reports a bad frame in an earlier segment as corrupt', async () => {
      await withJournal(
        0,
        async (j) => {
          for (let i = 0; i < 4; i++) await j.append(buildEntries(10, i * 10));
        },
        100,
      );
      const first = segFile(segments()[0]!);
      const buf = readFileSync(first);
      truncateSync(first, buf.length - 1);
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({ code: 'ledger.corrupt' });
    });

    it('reports a gap between segments and a journal that starts after the checkpoint', async () => {
      await withJournal(
        0,
        async (j) => {
          for (let i = 0; i < 4; i++) await j.append(buildEntries(10, i * 10));
        },
        100,
      );
      const names = segments();
      rmSync(segFile(names[1]!));
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { problem: 'a gap between journal segments' },
      });
      rmSync(segFile(names[0]!));
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { problem: 'the journal starts after the checkpoint' },
      });
    });

    it('reports frames with the wrong index as corrupt', async () => {
      await writeTen();
      appendFileSync(segFile(segments()[0]!), encodeFrames([enc('stray')], 42));
      await expect(openFileJournal(dir, { integrated: 0 })).rejects.toMatchObject({
        code: 'ledger.corrupt',
        details: { problem: 'a frame has the wrong index' },
      });
    });
  });
});
