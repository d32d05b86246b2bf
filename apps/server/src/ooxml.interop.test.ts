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
import {
  EXIFTOOL,
  exiftoolListing,
  exiftoolTags,
  expectAnnexELabel,
  expectTagsKept,
  interopToolsPresent,
  labelThroughApi,
  listedTimes,
  requireInteropTool,
  useInteropWorkspace,
} from './testing/interop.js';

const enabled = interopToolsPresent(
  'ooxml.interop.test.ts',
  EXIFTOOL,
  // exiftool decodes deflated ZIP entries only with Archive::Zip (a Recommends it may lack).
  {
    command: 'perl',
    versionArgs: ['-MArchive::Zip', '-e', 'print "1\\n"'],
    debianPackage: 'libarchive-zip-perl',
  },
  { command: 'python3', versionArgs: ['--version'], debianPackage: 'python3' },
);
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
    const { file, produceId } = await labelThroughApi(t, input, { format: 'ooxml' });
    const outPath = join(dir, `${stem}.out.${kind}`);
    writeFileSync(outPath, file);

    // exiftool's ZIP/OOXML reader shows custom properties in group [XML] under their name.
    expect(listedTimes(exiftoolListing(outPath), 'XML', 'AIGC')).toBe(1);
    const before = exiftoolTags(inPath);
    const after = exiftoolTags(outPath);
    expectAnnexELabel(after['XML:AIGC'], {
      Label: '1',
      ContentProducer: t.tenant.providerCode,
      ProduceID: produceId,
    });
    // exiftool's [ZIP] tags describe the first entry, [Content_Types].xml, which gains the
    // Override for the custom part when the package had none: its CRC and sizes change by design.
    const changedByDesign = custom
      ? new Set<string>()
      : new Set(['ZIP:ZipCRC', 'ZIP:ZipCompressedSize', 'ZIP:ZipUncompressedSize']);
    expectTagsKept(before, after, name, changedByDesign);

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
