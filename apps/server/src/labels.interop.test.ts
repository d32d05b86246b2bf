/**
 * Interop, end to end: JPEG and PNG files full of metadata are labeled through the HTTP API and
 * through the CLI, then read by exiftool (Debian libimage-exiftool-perl). The label must appear
 * exactly once as `XMP-TC260:Aigc` with the bare seven-key JSON value (GB 45438-2025 Annex E),
 * every other tag must read exactly as before, and exiftool -validate must find nothing new.
 * Run with `npm run test:interop`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, buildJpeg, buildPng, buildTestApp } from './testing/build.js';
import {
  FILE_SYSTEM_TAGS,
  GB45438_KEYS,
  expectLabelFields,
  labelThroughApi,
  requireInteropTool,
} from './testing/interop.js';
import { buildRichJpeg, buildRichPng } from './testing/rich-images.js';

const exiftoolVersion = requireInteropTool(
  'exiftool',
  ['-ver'],
  'libimage-exiftool-perl',
  'labels.interop.test.ts',
);

/**
 * Tags that describe the file on disk, not its content: they differ between any two files.
 * Before and after have the same file name (in different directories), so FileName is compared.
 */
const FILE_ITSELF = new Set([...FILE_SYSTEM_TAGS].filter((k) => k !== 'System:FileName'));

const LABEL_TAG = 'XMP-TC260:Aigc';
const DIGITAL_SOURCE_TYPE_TAG = 'XMP-iptcExt:DigitalSourceType';
/**
 * exiftool 12.57 mistakes a PNG's C2PA JUMBF box for a loop back to its EXIF directory when the
 * PNG has both (the manifest validates in c2pa-rs and ours; exiftool just stops listing it).
 */
const EXIFTOOL_JUMBF_BUG = ['JUMBFBox pointer references previous IFD0 directory', 'JPEG 2000 format error'];
const TRAINED_ALGORITHMIC_MEDIA = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI_MAIN = join(ROOT, 'apps/cli/src/main.ts');
const run = promisify(execFile);

function exiftool(...args: string[]): string {
  return execFileSync('exiftool', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

/** Every tag, by family-1 group, duplicates included, structures as JSON, binary as base64. */
function readTags(file: string): Record<string, unknown> {
  const [tags] = JSON.parse(exiftool('-j', '-G1', '-a', '-struct', '-b', file)) as [Record<string, unknown>];
  return tags;
}

/** exiftool -validate: the Validate line and every warning, one per line. */
function validate(file: string): string[] {
  return exiftool('-validate', '-warning', '-a', '-G1', '-s', file)
    .split('\n')
    .filter((l) => l.trim() !== '');
}

interface Case {
  name: string;
  ext: 'jpg' | 'png';
  mediaType: string;
  build: () => Promise<Buffer>;
  /** Tags the input must carry, so that "unchanged" is not trivially true. */
  carries: string[];
}

const RICH: Case[] = [
  {
    name: 'JPEG with EXIF, ICC, XMP and IPTC',
    ext: 'jpg',
    mediaType: 'image/jpeg',
    build: buildRichJpeg,
    carries: [
      'IFD0:Make',
      'IFD0:Model',
      'IFD0:ImageDescription',
      'IFD0:Copyright',
      'ExifIFD:DateTimeOriginal',
      'ICC_Profile:ProfileDescription',
      'XMP-dc:Title',
      'XMP-dc:Creator',
      'XMP-xmp:CreatorTool',
      'IPTC:Keywords',
      'IPTC:Caption-Abstract',
    ],
  },
  {
    name: 'PNG with EXIF, ICC, XMP (zTXt) and text chunks',
    ext: 'png',
    mediaType: 'image/png',
    build: buildRichPng,
    carries: [
      'IFD0:Make',
      'ExifIFD:DateTimeOriginal',
      'PNG:ProfileName',
      'ICC_Profile:ProfileDescription',
      'XMP-dc:Title',
      'XMP-xmp:CreatorTool',
      'PNG:Parameters',
      'PNG:Comment',
      'PNG:Description-zh-CN',
    ],
  },
];
const PLAIN: Case[] = [
  {
    name: 'JPEG with EXIF only',
    ext: 'jpg',
    mediaType: 'image/jpeg',
    build: buildJpeg,
    carries: ['IFD0:Software'],
  },
  {
    name: 'PNG without metadata',
    ext: 'png',
    mediaType: 'image/png',
    build: buildPng,
    carries: ['PNG:ColorType'],
  },
];

let dir: string;
let serial = 0;

/** Writes the input as before/N/image.EXT and returns where the output goes (after/N/image.EXT). */
async function prepare(c: Case): Promise<{ before: string; after: string }> {
  serial += 1;
  const name = `image.${c.ext}`;
  mkdirSync(join(dir, 'before', String(serial)), { recursive: true });
  mkdirSync(join(dir, 'after', String(serial)), { recursive: true });
  const before = join(dir, 'before', String(serial), name);
  writeFileSync(before, await c.build());
  return { before, after: join(dir, 'after', String(serial), name) };
}

/** The checks every labeled file must pass, whichever way it was labeled. */
function expectLabeledAsBefore(
  c: Case,
  files: { before: string; after: string },
  producer: string,
  produceId: string,
): void {
  const { before, after } = files;
  const was = readTags(before);
  const now = readTags(after);
  expect(Object.keys(was)).toEqual(expect.arrayContaining(c.carries));

  // The label: exactly one, in the TC260 group, the bare seven-key JSON in Annex E order.
  expect(was[LABEL_TAG]).toBeUndefined();
  const value = now[LABEL_TAG];
  expect(typeof value).toBe('string');
  const parsed = JSON.parse(value as string) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(GB45438_KEYS);
  expect(parsed).toEqual({
    Label: '1',
    ContentProducer: producer,
    ProduceID: produceId,
    // The producer's SecurityData (TC260-PG-202511A), as JSON text.
    ReservedCode1: expect.stringMatching(/^\{"Type":"DigitalSignature","Version":"1.0",/) as string,
    ContentPropagator: '',
    PropagateID: '',
    ReservedCode2: '',
  });
  // JSON output keeps one tag per key; the listing shows duplicates, so count there.
  const listing = exiftool('-G1', '-a', after);
  expect(listing).toMatch(/^\[XMP-TC260\]\s+Aigc\s+: \{"Label":"1"/m);
  expect(listing.match(/^\[[^\]]+\]\s+AIGC\s+:/gim)).toHaveLength(1);

  // Everything else: the same tags with the same values, and nothing added but the label.
  const changed = Object.fromEntries(
    Object.keys(was)
      .filter((k) => !FILE_ITSELF.has(k) && !isDeepStrictEqual(was[k], now[k]))
      .map((k) => [k, { before: was[k], after: now[k] }]),
  );
  expect(changed).toEqual({});
  // New: the label, the IPTC DigitalSourceType beside it, and the C2PA manifest store (exiftool
  // lists JUMBF boxes and CBOR assertions; it must say trainedAlgorithmicMedia and our ProduceID).
  const added = Object.keys(now).filter((k) => !(k in was) && k !== 'ExifTool:Warning');
  if ('ExifTool:Warning' in now) expect(EXIFTOOL_JUMBF_BUG).toContain(now['ExifTool:Warning']);
  expect(added.filter((k) => !/^(JUMBF|CBOR):/.test(k)).sort()).toEqual(
    [LABEL_TAG, DIGITAL_SOURCE_TYPE_TAG].sort(),
  );
  expect(now[DIGITAL_SOURCE_TYPE_TAG]).toBe(TRAINED_ALGORITHMIC_MEDIA);
  if (now['ExifTool:Warning'] === undefined) {
    expect(now['JUMBF:JUMDLabel']).toBe('c2pa');
    const c2pa = JSON.stringify(Object.entries(now).filter(([k]) => k.startsWith('CBOR:')));
    expect(c2pa).toContain(TRAINED_ALGORITHMIC_MEDIA);
    expect(c2pa).toContain(produceId);
  } else {
    // exiftool hid the store (EXIFTOOL_JUMBF_BUG); it is there all the same.
    expect(readFileSync(after).includes('caBX')).toBe(true);
  }

  // exiftool -validate: no warning the input did not already have.
  const warningsBefore = validate(before);
  const warningsAfter = validate(after);
  expect(warningsAfter.some((l) => /^\[ExifTool\]\s+Validate\s+: /.test(l))).toBe(true);
  expect(
    warningsAfter.filter(
      (l) =>
        !warningsBefore.includes(l) &&
        !EXIFTOOL_JUMBF_BUG.some((w) => l.endsWith(`: ${w}`)) &&
        !/Validate\s+:/.test(l),
    ),
  ).toEqual([]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-labels-interop-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(exiftoolVersion === undefined)(
  `exiftool ${exiftoolVersion ?? ''} reads labeled files`,
  () => {
    describe('labeled through the HTTP API (POST /v1/labels)', () => {
      let t: TestApp;
      beforeAll(async () => {
        t = await buildTestApp();
      });
      afterAll(async () => {
        await t.close();
      });

      async function labelViaApi(c: Case): Promise<{ before: string; after: string; produceId: string }> {
        const { before, after } = await prepare(c);
        const { file, produceId } = await labelThroughApi(t, readFileSync(before), {
          mediaType: c.mediaType,
        });
        writeFileSync(after, file);
        return { before, after, produceId };
      }

      it.each([...RICH, ...PLAIN])('$name', async (c) => {
        const { produceId, ...files } = await labelViaApi(c);
        expectLabeledAsBefore(c, files, t.tenant.providerCode, produceId);
      });

      it.each(RICH)('$name: the label survives an exiftool edit and synthguard still reads it', async (c) => {
        const { after, produceId } = await labelViaApi(c);
        const edited = `${after}.edited.${c.ext}`;
        // exiftool 12.57 writes no EXIF into a PNG that has a C2PA `caBX` chunk ("IFD0 pointer
        // references previous JUMBFBox directory"), so the PNG edit is XMP only.
        const exif = c.ext === 'png' ? [] : ['-IFD0:Artist=someone'];
        exiftool('-q', '-XMP-dc:Title=edited by exiftool', ...exif, '-o', edited, after);
        expect(readTags(edited)).toMatchObject({
          'XMP-dc:Title': 'edited by exiftool',
          ...(c.ext === 'png' ? {} : { 'IFD0:Artist': 'someone' }),
        });
        expectLabelFields(readFileSync(edited), t.tenant.providerCode, produceId);
      });
    });

    describe('labeled through the CLI (synthguard label)', () => {
      let data: string;
      let providerCode: string;

      async function cli(...args: string[]): Promise<string> {
        const { stdout } = await run(
          process.execPath,
          ['--conditions=source', '--import', 'tsx', CLI_MAIN, '--data', data, ...args],
          { cwd: ROOT, env: { ...process.env, SYNTHGUARD_DATA: '', DATABASE_URL: '', SYNTHGUARD_URL: '' } },
        );
        return stdout;
      }

      beforeAll(async () => {
        data = join(dir, 'cli-data');
        const tenant = JSON.parse(
          await cli(
            'tenant',
            'create',
            '--name',
            'Example AI',
            '--uscc',
            '91440300708461136T',
            '--service-code',
            'XGW3',
            '--json',
          ),
        ) as { providerCode: string };
        providerCode = tenant.providerCode;
        expect(providerCode).toBe('001191440300708461136T1XGW3');
      });

      it.each(RICH)('$name', async (c) => {
        const files = await prepare(c);
        const out = JSON.parse(await cli('label', files.before, '-o', files.after, '--json')) as {
          produceId: string;
        };
        expectLabeledAsBefore(c, files, providerCode, out.produceId);
      });
    });
  },
);
