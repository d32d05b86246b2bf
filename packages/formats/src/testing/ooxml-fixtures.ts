/**
 * Test-only OOXML fixtures: minimal DOCX, XLSX and PPTX packages assembled in code with our ZIP
 * writer (deflate and stored entries, data descriptors, ZIP64 records, extra fields, comments,
 * byte order marks, prefixed XML), with and without a custom properties part. Plus the probes
 * and the duplicate-field forger for runAigcFieldConformance.
 */
import { sha256Hex } from '@synthguard/core';
import { partText } from '../ooxml/package.js';
import { attribute, parseXml } from '../ooxml/xml/tree.js';
import { readZip } from '../ooxml/zip/archive.js';
import { type EntrySpec, assembleZip, buildZip, encodeEntry, endOf, pieceOf } from '../ooxml/zip/write.js';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n';
const CT_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CUSTOM_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties';
const VT_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';
const FMTID = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
const CUSTOM_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';

export type OoxmlKind = 'docx' | 'xlsx' | 'pptx';

interface KindParts {
  readonly mainName: string;
  readonly mainType: string;
  readonly parts: Record<string, string>;
}

function kindParts(kind: OoxmlKind): KindParts {
  switch (kind) {
    case 'docx':
      return {
        mainName: 'word/document.xml',
        mainType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
        parts: {
          'word/document.xml':
            `${DECL}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
            '<w:body><w:p><w:r><w:t>人工智能生成的文档 &amp; text</w:t></w:r></w:p></w:body></w:document>',
        },
      };
    case 'xlsx':
      return {
        mainName: 'xl/workbook.xml',
        mainType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
        parts: {
          'xl/workbook.xml':
            `${DECL}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${OFFICE_REL}">` +
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
          'xl/_rels/workbook.xml.rels': `${DECL}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${OFFICE_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
          'xl/worksheets/sheet1.xml':
            `${DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
            '<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>',
        },
      };
    case 'pptx':
      return {
        mainName: 'ppt/presentation.xml',
        mainType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
        parts: {
          'ppt/presentation.xml':
            `${DECL}<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">` +
            '<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
        },
      };
  }
}

export interface OoxmlOptions {
  readonly kind?: OoxmlKind;
  /** Custom properties (name, value); the part is omitted when undefined. */
  readonly custom?: readonly (readonly [string, string])[];
  readonly method?: 0 | 8;
  /** Deflate level: another level imitates another writer's deflate stream. */
  readonly level?: number;
  readonly dataDescriptor?: 'signed' | 'unsigned';
  readonly zip64?: boolean;
  /** Archive comment (end record). */
  readonly comment?: string;
  /** Write [Content_Types].xml with a UTF-8 byte order mark. */
  readonly bom?: boolean;
  /** Put a UT timestamp extra field and an entry comment on every entry. */
  readonly extras?: boolean;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A custom properties part as Office writes it. */
export function buildCustomPropertiesXml(props: readonly (readonly [string, string])[]): string {
  const body = props
    .map(
      ([name, value], i) =>
        `<property fmtid="${FMTID}" pid="${String(i + 2)}" name="${escapeXml(name)}"><vt:lpwstr>${escapeXml(value)}</vt:lpwstr></property>`,
    )
    .join('');
  return `${DECL}<Properties xmlns="${CUSTOM_NS}" xmlns:vt="${VT_NS}">${body}</Properties>`;
}

/** The parts of a minimal package, in the order Office writes them. */
export function buildOoxmlParts(o: OoxmlOptions = {}): [string, string][] {
  const k = kindParts(o.kind ?? 'docx');
  const custom = o.custom;
  const overrides = [
    [`/${k.mainName}`, k.mainType],
    ['/docProps/core.xml', 'application/vnd.openxmlformats-package.core-properties+xml'],
    ['/docProps/app.xml', 'application/vnd.openxmlformats-officedocument.extended-properties+xml'],
    ...(custom === undefined ? [] : [['/docProps/custom.xml', CUSTOM_TYPE]]),
  ];
  const contentTypes =
    `${o.bom === true ? '\ufeff' : ''}${DECL}<Types xmlns="${CT_NS}">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    overrides.map(([n, t]) => `<Override PartName="${n!}" ContentType="${t!}"/>`).join('') +
    '</Types>';
  const rels = [
    ['rId1', `${OFFICE_REL}/officeDocument`, k.mainName],
    [
      'rId2',
      'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties',
      'docProps/core.xml',
    ],
    ['rId3', `${OFFICE_REL}/extended-properties`, 'docProps/app.xml'],
    ...(custom === undefined ? [] : [['rId4', `${OFFICE_REL}/custom-properties`, 'docProps/custom.xml']]),
  ];
  const relsXml =
    `${DECL}<Relationships xmlns="${REL_NS}">` +
    rels
      .map(([id, type, target]) => `<Relationship Id="${id!}" Type="${type!}" Target="${target!}"/>`)
      .join('') +
    '</Relationships>';
  const core =
    `${DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>合成的文档</dc:title><dc:creator>test-generator</dc:creator>' +
    '</cp:coreProperties>';
  const app =
    `${DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
    '<Application>synthguard-fixtures</Application></Properties>';
  return [
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', relsXml],
    ['docProps/core.xml', core],
    ['docProps/app.xml', app],
    ...Object.entries(k.parts),
    ...(custom === undefined
      ? []
      : ([['docProps/custom.xml', buildCustomPropertiesXml(custom)]] as [string, string][])),
  ];
}

/** A UT extra field (Info-ZIP extended timestamp, modification time only). */
function utExtra(): Uint8Array {
  return Uint8Array.of(0x55, 0x54, 5, 0, 1, 0x00, 0x5e, 0x40, 0x67);
}

export function buildOoxml(o: OoxmlOptions = {}): Uint8Array {
  const specs: EntrySpec[] = buildOoxmlParts(o).map(([name, xml], i) => ({
    name,
    data: new TextEncoder().encode(xml),
    method: o.method ?? 8,
    ...(o.level === undefined ? {} : { level: o.level }),
    time: 0x6000 + i,
    date: 0x5a76,
    versionMadeBy: 0x0314,
    externalAttributes: 0o100644 * 0x10000,
    ...(o.dataDescriptor === undefined ? {} : { dataDescriptor: o.dataDescriptor }),
    ...(o.zip64 === true ? { zip64: true } : {}),
    ...(o.extras === true
      ? {
          localExtra: utExtra(),
          centralExtra: utExtra(),
          comment: new TextEncoder().encode(`entry ${String(i)}`),
        }
      : {}),
  }));
  return buildZip(specs, {
    comment: new TextEncoder().encode(o.comment ?? ''),
    ...(o.zip64 === true ? { forceZip64: true } : {}),
  });
}

const OTHER: readonly [string, string] = ['Department', '研发 & <测试>'];

export async function buildOoxmlFixtures(): Promise<AigcConformanceFixture[]> {
  const aigc = buildAigcValue('01JD2Y7K3M9Q8R5T6V7W8X9Y0Z');
  const fixtures: [string, OoxmlOptions, string | undefined][] = [
    ['docx, deflate, no custom part', { kind: 'docx' }, undefined],
    [
      'docx, stored, custom part with another property',
      { kind: 'docx', method: 0, custom: [OTHER] },
      undefined,
    ],
    [
      'docx, deflate, custom part with AIGC and another property',
      { kind: 'docx', custom: [OTHER, ['AIGC', aigc]] },
      aigc,
    ],
    [
      'docx, deflate level 1 (another writer), custom part with another property',
      { kind: 'docx', level: 1, custom: [OTHER] },
      undefined,
    ],
    ['xlsx, signed data descriptors, no custom part', { kind: 'xlsx', dataDescriptor: 'signed' }, undefined],
    [
      'pptx, ZIP64 records, unsigned data descriptors, AIGC only',
      { kind: 'pptx', zip64: true, dataDescriptor: 'unsigned', custom: [['AIGC', aigc]] },
      aigc,
    ],
    [
      'docx, BOM, extra fields, entry and archive comments, no custom part',
      { kind: 'docx', bom: true, extras: true, comment: 'archive comment' },
      undefined,
    ],
  ];
  return Promise.resolve(fixtures.map(([name, o, value]) => ({ name, bytes: buildOoxml(o), aigc: value })));
}

/** The archive with the entry `name` replaced by `text` (deflated), for forging test inputs. */
export function replaceOoxmlPart(file: Uint8Array, name: string, text: string): Uint8Array {
  const archive = readZip(file);
  const pieces = new Map(archive.entries.map((e) => [e, pieceOf(e)]));
  const entry = archive.entries.find((e) => e.central.name === name);
  if (entry === undefined) throw new Error(`replaceOoxmlPart: no ${name}`);
  pieces.set(
    entry,
    encodeEntry({ name, data: new TextEncoder().encode(text), method: 8, time: 0, date: 0x21 }),
  );
  const locals = [...archive.entries]
    .sort((a, b) => a.local.start - b.local.start)
    .map((e) => pieces.get(e)!);
  return assembleZip(
    locals,
    archive.entries.map((e) => pieces.get(e)!),
    endOf(file, archive),
  );
}

/** The text of the entry `name`. */
export function ooxmlPartText(file: Uint8Array, name: string): string {
  const entry = readZip(file).entries.find((e) => e.central.name === name);
  if (entry === undefined) throw new Error(`ooxmlPartText: no ${name}`);
  return partText(entry).text;
}

const EDITED = new Set(['[Content_Types].xml', '_rels/.rels', 'docProps/custom.xml']);

export const ooxmlProbes: Pick<AigcConformanceOptions, 'addSecondField' | 'preserved'> = {
  /** A second `AIGC` property in docProps/custom.xml, with a fresh pid (as a forger would add it). */
  addSecondField: (file, value) => {
    const text = ooxmlPartText(file, 'docProps/custom.xml');
    const at = text.lastIndexOf('</Properties>');
    const forged = `<property fmtid="${FMTID}" pid="99" name="AIGC"><vt:lpwstr>${escapeXml(value)}</vt:lpwstr></property>`;
    return replaceOoxmlPart(file, 'docProps/custom.xml', text.slice(0, at) + forged + text.slice(at));
  },
  /**
   * Every entry we never edit (name and verbatim local record), the other custom properties, and
   * the content type overrides and package relationships other than the custom part's.
   */
  preserved: (file) => {
    const entries = readZip(file).entries;
    const untouched = entries
      .filter((e) => !EDITED.has(e.central.name))
      .map((e) => [e.central.name, sha256Hex(e.src.subarray(e.local.start, e.local.end))]);
    const custom = entries.some((e) => e.central.name === 'docProps/custom.xml')
      ? parseXml(ooxmlPartText(file, 'docProps/custom.xml'))
          .children.filter((p) => attribute(p, 'name') !== 'AIGC')
          .map((p) => [attribute(p, 'name'), attribute(p, 'pid'), p.children[0]?.text])
      : [];
    const overrides = parseXml(ooxmlPartText(file, '[Content_Types].xml'))
      .children.filter((o) => attribute(o, 'PartName') !== '/docProps/custom.xml')
      .map((o) => o.attributes.map((a) => `${a.qname}=${a.value}`).join(' '));
    const rels = parseXml(ooxmlPartText(file, '_rels/.rels'))
      .children.filter((r) => !attribute(r, 'Type')!.endsWith('/custom-properties'))
      .map((r) => r.attributes.map((a) => `${a.qname}=${a.value}`).join(' '));
    return Promise.resolve({ untouched, custom, overrides, rels });
  },
};
