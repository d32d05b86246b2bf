// Batch labeling, verify and detect through the real CLI: folders and globs, worker threads,
// a JSON-lines report, exit codes.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildJpeg,
  buildPng,
  buildTempDir,
  buildTenantViaCli,
  parseJson,
  removeTempDirs,
  runCli,
} from '../testing/cli.js';

let data: string;
let work: string;

beforeAll(async () => {
  data = buildTempDir();
  work = buildTempDir();
  expect((await buildTenantViaCli(data)).code).toBe(0);
  mkdirSync(join(work, 'in/nested'), { recursive: true });
  writeFileSync(join(work, 'in/a.png'), await buildPng());
  writeFileSync(join(work, 'in/nested/b.jpg'), await buildJpeg());
  writeFileSync(join(work, 'in/nested/broken.png'), Buffer.from('not a png at all'));
  writeFileSync(join(work, 'in/readme.txt'), 'skipped: no handler claims .txt');
});
afterAll(removeTempDirs);

function lines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('synthguard label on a folder', () => {
  it('labels every supported file on worker threads, mirrors the tree, reports one JSON line per file', async () => {
    const report = join(work, 'report.jsonl');
    const r = await runCli([
      '--data',
      data,
      'label',
      join(work, 'in'),
      '--output-dir',
      join(work, 'out'),
      '--report',
      report,
      '--jobs',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(1); // one broken file
    expect(r.stderr).toContain('labeled 2 of 3 files, 1 failed');
    const byInput = new Map(
      lines(readFileSync(report, 'utf8')).map((l) => [String(l.input).split('/in/')[1], l]),
    );
    expect([...byInput.keys()].sort()).toEqual(['a.png', 'nested/b.jpg', 'nested/broken.png']);
    expect(byInput.get('a.png')).toMatchObject({
      status: 'labeled',
      format: 'png',
      output: join(work, 'out/a.png'),
    });
    expect(byInput.get('nested/b.jpg')).toMatchObject({ status: 'labeled', format: 'jpeg' });
    expect(byInput.get('nested/broken.png')).toMatchObject({ status: 'failed', code: 'format.unsupported' });

    // Recorded, signed, verifiable: verify the mirrored outputs with a glob (JSON lines on stdout).
    const v = await runCli(['--data', data, 'verify', join(work, 'out/**/*.*')]);
    expect(v.code, v.stderr).toBe(0);
    const verified = lines(v.stdout);
    expect(verified).toHaveLength(2);
    for (const line of verified)
      expect(line).toMatchObject({ status: 'valid', producer: { keyKnown: true } });
    const produceIds = verified
      .map((l) => (l.label as { fields: { ProduceID: string } }).fields.ProduceID)
      .sort();
    expect(produceIds).toEqual(
      [byInput.get('a.png')!.produceId, byInput.get('nested/b.jpg')!.produceId].sort(),
    );
  });

  it('refuses to label the labeled outputs again (content.already_labeled), one line each', async () => {
    const r = await runCli(['--data', data, 'label', join(work, 'out'), '--output-dir', join(work, 'again')]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout).map((l) => l.code)).toEqual([
      'content.already_labeled',
      'content.already_labeled',
    ]);
  });
});

describe('synthguard verify and detect on one file', () => {
  it('verify: human answer, exit 0 when valid; a changed byte: CHANGED and exit 1', async () => {
    const out = join(work, 'out/nested/b.jpg');
    const ok = await runCli(['--data', data, 'verify', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('VALID: label present, signature valid, content unchanged');
    const bytes = readFileSync(out);
    bytes[bytes.length - 20]! ^= 0x10;
    const changed = join(work, 'changed.jpg');
    writeFileSync(changed, bytes);
    const bad = await runCli(['--data', data, 'verify', changed, '--json']);
    expect(bad.code).toBe(1);
    expect(parseJson(bad)).toMatchObject({ status: 'content_changed' });
  });

  it('detect: verdict "1" for a labeled file, "2" when declared, none for a clean file', async () => {
    const one = await runCli(['--data', data, 'detect', join(work, 'out/a.png')]);
    expect(one.stdout).toContain('verdict 1: 该内容为人工智能生成合成内容');
    const two = await runCli(['--data', data, 'detect', join(work, 'in/a.png'), '--declared', '--json']);
    expect(parseJson(two)).toMatchObject({
      verdict: '2',
      wording: { zh: '该内容可能为人工智能生成合成内容' },
    });
    const none = await runCli(['detect', join(work, 'in/a.png'), '--json']); // no data dir: no keys needed
    expect(parseJson(none)).toMatchObject({ verdict: null, evidence: [] });
  });
});
