import type { FormatHandler } from '../handler.js';
import { readOoxmlAigc, validateOoxml, writeOoxmlAigc } from './aigc.js';

const FIRST_PART_NAMES = ['[Content_Types].xml', '_rels/.rels'];
const FIRST_PART_PREFIXES = ['docProps/', 'word/', 'xl/', 'ppt/'];

/**
 * Magic bytes: a ZIP local file header (`PK\x03\x04`, APPNOTE §4.3.7) whose entry name is one an
 * OOXML package starts with (ECMA-376 Part 2 does not fix the order, but every writer puts
 * `[Content_Types].xml`, `_rels/.rels` or a part under docProps/, word/, xl/ or ppt/ first). The
 * name must lie within `head`.
 */
export function sniffOoxml(head: Uint8Array): boolean {
  if (head.length < 30 || head[0] !== 0x50 || head[1] !== 0x4b || head[2] !== 0x03 || head[3] !== 0x04)
    return false;
  const nameLength = head[26]! | (head[27]! << 8);
  if (nameLength === 0 || 30 + nameLength > head.length) return false;
  let name = '';
  for (let i = 30; i < 30 + nameLength; i++) name += String.fromCharCode(head[i]!);
  return FIRST_PART_NAMES.includes(name) || FIRST_PART_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Office Open XML documents (ECMA-376 / ISO/IEC 29500): DOCX, XLSX, PPTX and their macro-enabled
 * variants. The label goes in the custom property `AIGC` of docProps/custom.xml (TC260 guide).
 */
export const ooxmlHandler: FormatHandler = {
  id: 'ooxml',
  mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  mediaTypeAliases: [
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.ms-word.document.macroenabled.12',
    'application/vnd.ms-excel.sheet.macroenabled.12',
    'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  ],
  extensions: ['docx', 'xlsx', 'pptx', 'docm', 'xlsm', 'pptm'],
  modality: 'document',
  sniff: sniffOoxml,
  validate: validateOoxml,
  aigc: { readAigc: readOoxmlAigc, writeAigc: writeOoxmlAigc },
};
