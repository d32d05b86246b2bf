// `synthguard label` and `synthguard inspect` on the local data directory, run as real processes.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  breakPngCrc,
  buildJpeg,
  buildPng,
  buildTempDir,
  parseJson,
  removeTempDirs,
  runCli,
  tempFilesIn,
  truncate,
  buildTenantViaCli,
} from '../testing/cli.js';

const FIELDS = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
] as const;

interface LabelJson {
  input: string;
  output: string;
  produceId: string;
  record: { produceId: string; tenantId: string; format: string; outputSha256: string; service: string };
}

interface InspectJson {
  format: string;
  mediaType: string;
  label?: { fields: Record<string, string>; form: string; problems: string[] };
}

let data: string;
let work: string;
let tenant: { id: string; providerCode: string };

function file(name: string): string {
  return join(work, name);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

beforeAll(async () => {
  data = buildTempDir('sg-cli-data-');
  work = buildTempDir('sg-cli-work-');
  const jpeg = await buildJpeg();
  const png = await buildPng();
  writeFileSync(file('in.jpg'), jpeg);
  writeFileSync(file('in.png'), png);
  writeFileSync(file('truncated.jpg'), truncate(jpeg));
  writeFileSync(file('bad-crc.png'), breakPngCrc(png));
  writeFileSync(file('notes.txt'), 'not an image\n'.repeat(20));
});
afterAll(removeTempDirs);

describe('synthguard label', () => {
  it('refuses to label before a tenant exists, and writes nothing', async () => {
    const r = await runCli(['--data', data, 'label', file('in.jpg'), '-o', file('early.jpg')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^synthguard: cli\.tenant_required: No tenant yet: create one with/m);
    expect(existsSync(file('early.jpg'))).toBe(false);

    const created = await buildTenantViaCli(data);
    expect(created.code).toBe(0);
    tenant = parseJson(created) as typeof tenant;
  }, 60_000);

  it('labels a JPEG and a PNG; inspect reads back the label and ProduceID that label printed', async () => {
    const runs: Record<string, LabelJson> = {};
    for (const [name, extra] of [
      ['out.jpg', []],
      ['out.png', []],
      ['service.jpg', ['--service', 'XGW3']],
    ] as const) {
      const input = name.endsWith('.png') ? file('in.png') : file('in.jpg');
      const r = await runCli(['--data', data, 'label', input, '-o', file(name), ...extra, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const out = parseJson(r) as LabelJson;
      expect(out).toMatchObject({ input, output: file(name) });
      expect(out.produceId).toMatch(/^[0-9A-Z]{26}$/);
      // The record describes the file as written.
      expect(out.record).toMatchObject({ produceId: out.produceId, tenantId: tenant.id });
      expect(out.record.outputSha256).toBe(sha256(file(name)));
      runs[name] = out;
    }
    expect(new Set(Object.values(runs).map((r) => r.produceId)).size).toBe(3);
    expect(tempFilesIn(work)).toEqual([]);

    // inspect does not open the data directory, so these run side by side.
    const [jpg, png, service, human] = await Promise.all([
      runCli(['inspect', file('out.jpg'), '--json']),
      runCli(['inspect', file('out.png'), '--json']),
      runCli(['inspect', file('service.jpg'), '--json']),
      runCli(['inspect', file('out.jpg')]),
    ]);
    for (const [r, name, format] of [
      [jpg, 'out.jpg', 'jpeg'],
      [png, 'out.png', 'png'],
    ] as const) {
      expect(r.code, r.stderr).toBe(0);
      const seen = parseJson(r) as InspectJson;
      expect(seen.format).toBe(format);
      expect(seen.label?.form).toBe('bare');
      expect(seen.label?.problems).toEqual([]);
      expect(seen.label?.fields).toEqual({
        Label: '1',
        ContentProducer: tenant.providerCode,
        ProduceID: runs[name]!.produceId,
        ReservedCode1: expect.stringMatching(/^\{"Type":"DigitalSignature"/) as string,
        ContentPropagator: '',
        PropagateID: '',
        ReservedCode2: '',
      });
      expect(Object.keys(seen.label?.fields ?? {})).toEqual(FIELDS);
    }

    // --service replaces the provider code's last four characters (TC260-PG-20252A service code).
    const svc = (parseJson(service) as InspectJson).label?.fields;
    expect(svc?.ContentProducer).toBe(`${tenant.providerCode.slice(0, -4)}XGW3`);
    expect(svc?.ProduceID).toBe(runs['service.jpg']!.produceId);
    expect(runs['service.jpg']!.record.service).toBe('XGW3');

    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/: jpeg \(image\/jpeg\), \d+ bytes$/m);
    expect(human.stdout).toContain('implicit label (GB 45438, bare form): 1 = AI-generated');
    for (const f of FIELDS) expect(human.stdout).toMatch(new RegExp(`^  ${f}\\s+\\S`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^  ContentProducer\\s+${tenant.providerCode}$`, 'm'));
    expect(human.stdout).toMatch(new RegExp(`^  ProduceID\\s+${runs['out.jpg']!.produceId}$`, 'm'));
    expect(human.stdout).toMatch(/^ {2}ReservedCode1\s+\{"Type":"DigitalSignature"/m);
    expect(human.stdout).toMatch(/^ {2}ContentPropagator\s+\(empty\)$/m);
  }, 120_000);

  it('refuses damaged and foreign input with a stable code and leaves no output behind', async () => {
    for (const [input, code] of [
      ['truncated.jpg', 'format.truncated'],
      ['bad-crc.png', 'format.png_bad_crc'],
      ['notes.txt', 'format.unsupported'],
    ] as const) {
      const out = file(`refused-${input}`);
      const r = await runCli(['--data', data, 'label', file(input), '-o', out]);
      expect(r.code, `${input}: ${r.stderr}`).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^synthguard: ${code.replace('.', '\\.')}: `, 'm'));
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(out)).toBe(false);
    }
    expect(readdirSync(work).filter((n) => n.startsWith('refused-'))).toEqual([]);
    expect(tempFilesIn(work)).toEqual([]);
  }, 120_000);

  it('says what is wrong with missing files and bad usage (these fail before the database is opened)', async () => {
    const [missing, missingJson, noOutput, badService, missingInspect, noDir] = await Promise.all([
      runCli(['--data', data, 'label', file('nope.jpg'), '-o', file('x.jpg')]),
      runCli(['--data', data, 'label', file('nope.jpg'), '-o', file('x.jpg'), '--json']),
      runCli(['--data', data, 'label', file('in.jpg')]),
      runCli(['--data', data, 'label', file('in.jpg'), '-o', file('x.jpg'), '--service', 'ab']),
      runCli(['inspect', file('nope.png')]),
      runCli(['--data', data, 'label', file('in.jpg'), '-o', join(work, 'no-such-dir', 'x.jpg')]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `synthguard: cli.file_not_found: Cannot read ${file('nope.jpg')}: no such file. Check the path.\n`,
    );
    expect(missingJson.code).toBe(1);
    expect((parseJson(missingJson) as { error: unknown }).error).toMatchObject({
      code: 'cli.file_not_found',
      details: { path: file('nope.jpg') },
    });
    expect(missingInspect.code).toBe(1);
    expect(missingInspect.stderr).toMatch(/^synthguard: cli\.file_not_found: Cannot read .*nope\.png/m);

    // Usage errors are commander's: exit 2 and the command's help.
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('cli.usage: Say where the labeled file goes: -o FILE');
    expect(badService.code).toBe(2);
    expect(badService.stderr).toContain("option '--service <code>' argument 'ab' is invalid");

    // The output directory is checked before anything is labeled or recorded.
    expect(noDir.code).toBe(1);
    expect(noDir.stderr).toMatch(/^synthguard: cli\.output_unwritable: .* does not exist/m);

    expect(existsSync(file('x.jpg'))).toBe(false);
    expect(tempFilesIn(work)).toEqual([]);
  }, 60_000);
});
