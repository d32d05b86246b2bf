/**
 * Interop: exiftool (Debian libimage-exiftool-perl) must read what we write, and we must read
 * and merge what exiftool writes. Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utf8Encode } from '@synthguard/core';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeAigcLabel } from '../aigc/label.js';
import { buildLabel } from '../testing/labels.js';
import { buildXmpFixtures } from '../testing/xmp-fixtures.js';
import { TC260_NS, readAigcFromXmp, setAigcInXmp } from './packet.js';

const dir = mkdtempSync(join(tmpdir(), 'labels-interop-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function exiftool(...args: string[]): string {
  return execFileSync('exiftool', args, { encoding: 'utf8' });
}

function exiftoolAigc(file: string): [string, unknown][] {
  const [tags] = JSON.parse(exiftool('-j', '-G1', '-a', '-XMP:all', file)) as [Record<string, unknown>];
  return Object.entries(tags).filter(([k]) => k.endsWith(':Aigc') || k.endsWith(':AIGC'));
}

const value = encodeAigcLabel(buildLabel({ ReservedCode1: '{"Type":"1","Sig":"<&>"}' }));

describe('exiftool reads our XMP', () => {
  it.each([
    ['fresh packet', undefined] as const,
    ...buildXmpFixtures().map((f) => [f.name, utf8Encode(f.text)] as const),
  ])('%s', (name, packet) => {
    const file = join(dir, `${name.replace(/\W+/g, '_')}.xmp`);
    writeFileSync(file, setAigcInXmp(packet, value));
    const ours = exiftoolAigc(file).filter(([, v]) => v === value);
    expect(ours).toHaveLength(1);
    // exiftool names the group after the first prefix the packet binds to the namespace.
    if (!name.includes('another prefix')) expect(ours[0]?.[0]).toBe('XMP-TC260:Aigc');
    expect(exiftool('-validate', '-warning', '-a', '-s3', file).trim()).toBe('OK');
  });
});

describe('we read and merge what exiftool writes', () => {
  it('reads and replaces an exiftool-written label', () => {
    const config = join(dir, 'tc260.config');
    writeFileSync(
      config,
      `%Image::ExifTool::UserDefined = ('Image::ExifTool::XMP::Main' => { TC260 => { SubDirectory => { TagTable => 'Image::ExifTool::UserDefined::TC260' } } });
%Image::ExifTool::UserDefined::TC260 = (GROUPS => { 0 => 'XMP', 1 => 'XMP-TC260', 2 => 'Image' }, NAMESPACE => { 'TC260' => '${TC260_NS}' }, WRITABLE => 'string', AIGC => { });
1;
`,
    );
    const file = join(dir, 'exiftool.xmp');
    const old = '{"Label":"2","ContentProducer":"X","ProduceID":"Y<&>"}';
    exiftool('-config', config, `-XMP-TC260:AIGC=${old}`, '-XMP-dc:Format=image/png', '-o', file);
    const packet = readFileSync(file);
    expect(readAigcFromXmp(packet)).toBe(old);
    writeFileSync(file, setAigcInXmp(packet, value));
    expect(exiftool('-config', config, '-s3', '-XMP-TC260:AIGC', file).trim()).toBe(value);
    expect(exiftool('-s3', '-XMP-dc:Format', file).trim()).toBe('image/png');
  });
});
