/**
 * The AIGC custom property in the custom file properties part (ECMA-376 Part 1 §22.3, shared
 * "Custom File Properties"; the TC260 guide places the GB 45438-2025 implicit label there):
 *
 *   <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AIGC">
 *     <vt:lpwstr>…label…</vt:lpwstr></property>
 *
 * `fmtid` is FMTID_UserDefinedProperties; `pid` is unique and at least 2 (§22.3.2.2). Edits are
 * text splices into the original part: a value is replaced inside its element, a new property is
 * appended as the last child of `Properties`, and removal cuts the property element out, so every
 * other character of the part (and every other property) is kept as it was.
 */
import { formatError } from '../errors.js';
import { escapeText } from './xml/text.js';
import { type XmlElement, attribute, parseXml, prefixFor } from './xml/tree.js';

/** Transitional and Strict (ISO/IEC 29500-1 Strict) namespaces. */
export const CUSTOM_PROPERTIES_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties';
export const VT_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes';
const STRICT_CUSTOM_PROPERTIES_NS = 'http://purl.oclc.org/ooxml/officeDocument/customProperties';
const STRICT_VT_NS = 'http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes';

/** FMTID_UserDefinedProperties (MS-OLEPS §1.3.2, used by §22.3.2.2). */
export const FMTID_USER_DEFINED = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
export const AIGC_PROPERTY_NAME = 'AIGC';
/** String value types a reader accepts for the label; we write `vt:lpwstr`. */
const STRING_TYPES = new Set(['lpwstr', 'lpstr', 'bstr']);
const MAX_PID = 2147483647;

/** The part we create when a package has none (as Office writes it). */
export const NEW_CUSTOM_PROPERTIES_PART =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' +
  `<Properties xmlns="${CUSTOM_PROPERTIES_NS}" xmlns:vt="${VT_NS}"></Properties>`;

interface CustomProperties {
  readonly root: XmlElement;
  readonly vtNs: string;
  readonly pids: readonly number[];
  /** The AIGC property and its value element, if present. */
  readonly aigc: { readonly property: XmlElement; readonly value: XmlElement } | undefined;
}

function inspect(text: string): CustomProperties {
  const root = parseXml(text);
  const strict = root.ns === STRICT_CUSTOM_PROPERTIES_NS;
  if (root.local !== 'Properties' || (root.ns !== CUSTOM_PROPERTIES_NS && !strict)) {
    throw formatError('format.corrupt', 'The custom properties part has the wrong root element.');
  }
  const vtNs = strict ? STRICT_VT_NS : VT_NS;
  const pids: number[] = [];
  let aigc: CustomProperties['aigc'];
  for (const p of root.children) {
    if (p.local !== 'property' || p.ns !== root.ns) continue;
    const pid = attribute(p, 'pid');
    if (pid !== undefined && /^[0-9]{1,10}$/.test(pid)) pids.push(Number(pid));
    // Property names are compared case-insensitively (Office treats "aigc" as the same property).
    if (attribute(p, 'name')?.toLowerCase() !== AIGC_PROPERTY_NAME.toLowerCase()) continue;
    if (aigc !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'The custom properties hold more than one AIGC property; remove the extra one before labelling.',
        { first: aigc.property.start, second: p.start },
      );
    }
    const value = p.children[0];
    if (
      p.children.length !== 1 ||
      value === undefined ||
      value.ns !== vtNs ||
      !STRING_TYPES.has(value.local)
    ) {
      throw formatError('format.corrupt', 'The AIGC custom property does not hold a single string value.', {
        offset: p.start,
      });
    }
    if (value.children.length > 0) {
      throw formatError('format.corrupt', 'The AIGC custom property value has child elements.', {
        offset: p.start,
      });
    }
    aigc = { property: p, value };
  }
  return { root, vtNs, pids, aigc };
}

/** The AIGC property's value, or undefined. Throws FormatError (corrupt, duplicate_metadata). */
export function readCustomAigc(text: string): string | undefined {
  return inspect(text).aigc?.value.text;
}

function nextPid(pids: readonly number[]): number {
  // A loop, not Math.max(...pids): a hostile part may hold more pids than a call takes arguments.
  let max = 1;
  for (const pid of pids) if (pid > max) max = pid;
  if (max < MAX_PID) return max + 1;
  const used = new Set(pids);
  let pid = 2;
  while (used.has(pid)) pid++;
  return pid;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** `text` with the AIGC property set to `value` (undefined removes it). */
export function setCustomAigc(text: string, value: string | undefined): string {
  const props = inspect(text);
  const { root, aigc } = props;
  if (aigc !== undefined) {
    if (value === undefined) return splice(text, aigc.property.start, aigc.property.end, '');
    const q = aigc.value.qname;
    return splice(text, aigc.value.start, aigc.value.end, `<${q}>${escapeText(value)}</${q}>`);
  }
  if (value === undefined) return text;
  const pq = root.prefix === '' ? 'property' : `${root.prefix}:property`;
  const vtPrefix = prefixFor(root.scope, props.vtNs);
  const vq = vtPrefix === undefined ? 'vt:lpwstr' : vtPrefix === '' ? 'lpwstr' : `${vtPrefix}:lpwstr`;
  const declare = vtPrefix === undefined ? ` xmlns:vt="${props.vtNs}"` : '';
  const property =
    `<${pq} fmtid="${FMTID_USER_DEFINED}" pid="${String(nextPid(props.pids))}" name="${AIGC_PROPERTY_NAME}">` +
    `<${vq}${declare}>${escapeText(value)}</${vq}></${pq}>`;
  if (root.selfClosing) {
    // `<Properties …/>` becomes `<Properties …>property</Properties>`.
    return splice(text, root.startTagEnd - 2, root.startTagEnd, `>${property}</${root.qname}>`);
  }
  return splice(text, root.endTagStart, root.endTagStart, property);
}
