/**
 * Interop for OOXML: DOCX and XLSX packages written by Python's zipfile (an independent ZIP
 * writer: deflate streams, header fields and ordering of its own), with core, app and (for one)
 * custom properties, are labeled through the HTTP API. exiftool must show exactly one
 * `[XML] AIGC` custom property holding our label and every tag it saw before, unchanged;
 * `python3 -m zipfile -t` and `unzip -t` must find every entry's CRC intact.
 * Run with `npm run test:interop`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearer } from './testing/build.js';
import { GB45438_KEYS, requireInteropTool, useInteropWorkspace } from './testing/interop.js';

const enabled =
  requireInteropTool('exiftool', ['-ver'], 'libimage-exiftool-perl', 'ooxml.interop.test.ts') !== undefined &&
  // exiftool decodes deflated ZIP entries only with Archive::Zip (a Recommends it may lack).
  requireInteropTool(
    'perl',
    ['-MArchive::Zip', '-e', 'print "1\\n"'],
    'libarchive-zip-perl',
    'ooxml.interop.test.ts',
  ) !== undefined &&
  requireInteropTool('python3', ['--version'], 'python3', 'ooxml.interop.test.ts') !== undefined;
const hasUnzip =
  enabled && requireInteropTool('unzip', ['-v'], 'unzip', 'ooxml.interop.test.ts') !== undefined;
const ws = useInteropWorkspace('sg-ooxml-interop-', enabled, 10 * 1024 * 1024);
const dir = ws.dir;

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function parts(kind: 'docx' | 'xlsx', custom: boolean): [string, string][] {
  const main =
    kind === 'docx'
      ? {
          name: 'word/document.xml',
          type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
          xml: `${DECL}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>生成的文档</w:t></w:r></w:p></w:body></w:document>`,
        }
      : {
          name: 'xl/workbook.xml',
          type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
          xml: `${DECL}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>`,
        };
  const customType = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
  return [
    [
      '[Content_Types].xml',
      `${DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/${main.name}" ContentType="${main.type}"/>` +
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>' +
        (custom ? `<Override PartName="/docProps/custom.xml" ContentType="${customType}"/>` : '') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      `${DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="${main.name}"/>` +
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
        `<Relationship Id="rId3" Type="${REL}/extended-properties" Target="docProps/app.xml"/>` +
        (custom
          ? `<Relationship Id="rId4" Type="${REL}/custom-properties" Target="docProps/custom.xml"/>`
          : '') +
        '</Relationships>',
    ],
    [
      'docProps/core.xml',
      `${DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
        '<dc:title>合成的文档</dc:title><dc:creator>test-generator</dc:creator></cp:coreProperties>',
    ],
    [
      'docProps/app.xml',
      `${DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>python-zipfile</Application></Properties>`,
    ],
    [main.name, main.xml],
    ...(custom
      ? ([
          [
            'docProps/custom.xml',
            `${DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
              '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Department"><vt:lpwstr>研发</vt:lpwstr></property></Properties>',
          ],
        ] as [string, string][])
      : []),
  ];
}

/** The package written by Python's zipfile (deflate), from [name, text] pairs on stdin. */
function pythonZip(path: string, entries: [string, string][]): Buffer {
  const script =
    'import json, sys, zipfile\n' +
    'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n' +
    '    for name, text in json.load(sys.stdin):\n' +
    '        z.writestr(name, text.encode("utf-8"))\n';
  execFileSync('python3', ['-c', script, path], { input: JSON.stringify(entries) });
  return readFileSync(path);
}

/** Every entry's name and the SHA-256 of its content, as Python's zipfile reads them. */
function pythonEntries(path: string): Record<string, string> {
  const script =
    'import hashlib, json, sys, zipfile\n' +
    'z = zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))\n';
  return JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' })) as Record<
    string,
    string
  >;
}

/** Tags that describe the file on disk rather than its content. */
const FILE_TAGS = new Set([
  'SourceFile',
  'System:FileName',
  'System:Directory',
  'System:FileSize',
  'System:FileModifyDate',
  'System:FileAccessDate',
  'System:FileInodeChangeDate',
  'System:FilePermissions',
]);

function tags(path: string): Record<string, unknown> {
  const [all] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-a', path], { encoding: 'utf8' })) as [
    Record<string, unknown>,
  ];
  return Object.fromEntries(Object.entries(all).filter(([k]) => !FILE_TAGS.has(k)));
}

const cases: [string, 'docx' | 'xlsx', boolean][] = [
  ['docx without custom properties', 'docx', false],
  ['docx with a custom property', 'docx', true],
  ['xlsx without custom properties', 'xlsx', false],
];

describe.runIf(enabled)('exiftool and ZIP testers read labeled OOXML packages', () => {
  it.each(cases)('%s', async (name, kind, custom) => {
    const stem = name.replace(/\W+/g, '_');
    const inPath = join(dir, `${stem}.in.${kind}`);
    const input = pythonZip(inPath, parts(kind, custom));
    const t = ws.app();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/labels',
      headers: { ...bearer(t.operator), 'content-type': 'application/octet-stream' },
      payload: input,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['synthguard-format']).toBe('ooxml');
    const outPath = join(dir, `${stem}.out.${kind}`);
    writeFileSync(outPath, res.rawPayload);

    // exiftool's ZIP/OOXML reader shows custom properties in group [XML] under their name.
    const human = execFileSync('exiftool', ['-G1', '-a', outPath], { encoding: 'utf8' });
    expect(human.match(/^\[XML\]\s+AIGC\s+: /gm)).toHaveLength(1);
    const before = tags(inPath);
    const after = tags(outPath);
    const label = JSON.parse(after['XML:AIGC'] as string) as Record<string, string>;
    expect(Object.keys(label)).toEqual(GB45438_KEYS);
    expect(label).toMatchObject({
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: res.headers['synthguard-produce-id'],
    });
    // exiftool's [ZIP] tags describe the first entry, [Content_Types].xml, which gains the
    // Override for the custom part when the package had none: its CRC and sizes change by design.
    const changedByDesign = custom
      ? new Set<string>()
      : new Set(['ZIP:ZipCRC', 'ZIP:ZipCompressedSize', 'ZIP:ZipUncompressedSize']);
    for (const [k, v] of Object.entries(before)) {
      if (changedByDesign.has(k)) continue;
      expect(after[k], `${name}: ${k}`).toEqual(v);
    }

    // Python reads every part we did not edit with the same content, and the custom part.
    const edited = new Set(['[Content_Types].xml', '_rels/.rels', 'docProps/custom.xml']);
    const entriesBefore = pythonEntries(inPath);
    const entriesAfter = pythonEntries(outPath);
    expect(Object.keys(entriesAfter).sort()).toEqual(
      [...new Set([...Object.keys(entriesBefore), 'docProps/custom.xml'])].sort(),
    );
    for (const [n, digest] of Object.entries(entriesBefore))
      if (!edited.has(n)) expect(entriesAfter[n], n).toBe(digest);

    // Python's testzip (CRC of every entry) and Info-ZIP's unzip -t both pass.
    expect(execFileSync('python3', ['-m', 'zipfile', '-t', outPath], { encoding: 'utf8' })).toContain(
      'Done testing',
    );
    if (hasUnzip)
      expect(execFileSync('unzip', ['-t', outPath], { encoding: 'utf8' })).toMatch(/No errors detected/);
  });
});
