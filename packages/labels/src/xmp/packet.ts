import { LabelError } from '../errors.js';
import { escapeXmlAttribute, escapeXmlText, invalidXmp, isBlank, unescapeXml } from './xml-text.js';
import { type XmlDocument, type XmlElement, type XmlNsAttr, parseXml } from './xml-tree.js';

/** TC260 practice guide (2025-08): XMP namespace, preferred prefix and property of the implicit label. */
export const TC260_NS = 'http://www.tc260.org.cn/ns/AIGC/1.0/';
export const TC260_PREFIX = 'TC260';
export const AIGC_PROPERTY = 'AIGC';
export const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
/**
 * IPTC Photo Metadata Extension: `Iptc4xmpExt:DigitalSourceType`, the field the EU AI Act's
 * marking practice and C2PA read. Written next to the label so one label serves both regimes.
 */
export const IPTC_EXT_NS = 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/';
export const IPTC_EXT_PREFIX = 'Iptc4xmpExt';
export const DIGITAL_SOURCE_TYPE_PROPERTY = 'DigitalSourceType';
export const TRAINED_ALGORITHMIC_MEDIA =
  'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';
/** XMP Part 1 §7.3: x:xmpmeta (x:xapmeta in old files). */
const XMPMETA_NS = 'adobe:ns:meta/';
export const XMP_PACKET_MAX_BYTES = 16 * 1024 * 1024;
/** Trailing whitespace before `<?xpacket end` at least this long is treated as padding we may consume. */
const MIN_PADDING = 32;

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

interface Packet {
  /** The whole decoded packet: a BOM and trailing NULs stay in it and so reach the output verbatim. */
  text: string;
  doc: XmlDocument;
}

function tooLarge(): LabelError {
  return new LabelError('label.too_large', 'The XMP packet is too large.', {
    details: { limit: 'xmp_packet', max: XMP_PACKET_MAX_BYTES },
  });
}

function openPacket(bytes: Uint8Array): Packet {
  if (bytes.length > XMP_PACKET_MAX_BYTES) throw tooLarge();
  let text: string;
  try {
    // Strict UTF-8 (XMP Part 1 §7.1 for our purposes); a BOM stays in the text and is kept on output.
    text = decoder.decode(bytes);
  } catch {
    throw invalidXmp('invalid_utf8');
  }
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let limit = text.length;
  while (limit > start && text.charCodeAt(limit - 1) === 0) limit--; // tolerated trailing NUL padding
  return { text, doc: parseXml(text, start, limit) };
}

function isAigc(ns: string | undefined, local: string): boolean {
  return ns === TC260_NS && local === AIGC_PROPERTY;
}

function isDigitalSourceType(ns: string | undefined, local: string): boolean {
  return ns === IPTC_EXT_NS && local === DIGITAL_SOURCE_TYPE_PROPERTY;
}

function isRdf(el: XmlElement, local: string): boolean {
  return el.ns === RDF_NS && el.local === local;
}

/** rdf:RDF elements in document order (not looking inside one for another). */
function rdfElements(doc: XmlDocument): XmlElement[] {
  const out: XmlElement[] = [];
  const todo: XmlElement[] = [doc.root];
  for (let el = todo.pop(); el !== undefined; el = todo.pop()) {
    if (isRdf(el, 'RDF')) {
      out.push(el);
      continue;
    }
    for (const child of el.children) if (child.kind === 'element') todo.push(child);
  }
  return out.sort((a, b) => a.start - b.start);
}

function descriptions(rdf: XmlElement): XmlElement[] {
  return rdf.children.filter((c): c is XmlElement => c.kind === 'element' && isRdf(c, 'Description'));
}

interface Occurrence {
  description: XmlElement;
  node: XmlElement | XmlNsAttr;
}

/** Every top-level property matching `is`, under any prefix, element or attribute form. */
function findProperty(
  doc: XmlDocument,
  is: (ns: string | undefined, local: string) => boolean,
): Occurrence[] {
  const out: Occurrence[] = [];
  for (const rdf of rdfElements(doc)) {
    for (const description of descriptions(rdf)) {
      for (const attr of description.attrs)
        if (is(attr.ns, attr.local)) out.push({ description, node: attr });
      for (const child of description.children) {
        if (child.kind === 'element' && is(child.ns, child.local)) out.push({ description, node: child });
      }
    }
  }
  return out;
}

/** Every top-level AIGC property of the TC260 namespace. */
function findOccurrences(doc: XmlDocument): Occurrence[] {
  return findProperty(doc, isAigc);
}

/** The value of a simple (literal) property element: text and CDATA, comments and PIs skipped. */
function elementValue(text: string, el: XmlElement): string {
  for (const attr of el.attrs) {
    if (attr.ns === RDF_NS && attr.local !== 'datatype') throw invalidXmp('aigc_not_simple', attr.nameStart);
  }
  let out = '';
  for (const child of el.children) {
    if (child.kind === 'element') throw invalidXmp('aigc_not_simple', child.start);
    if (child.kind === 'text') out += unescapeXml(text.slice(child.start, child.end), child.start, false);
    else if (child.kind === 'cdata')
      out += text.slice(child.start + 9, child.end - 3).replace(/\r\n?/g, '\n');
  }
  return out;
}

function occurrenceValue(text: string, o: Occurrence): string {
  return 'kind' in o.node ? elementValue(text, o.node) : o.node.value;
}

/**
 * Reads the TC260 AIGC property from an XMP packet. Returns undefined when there is none (or the
 * packet is empty). Throws LabelError `label.duplicate` when there is more than one,
 * `label.invalid_xmp` for malformed XML, `label.too_large` beyond 16 MiB.
 */
export function readAigcFromXmp(packet: Uint8Array): string | undefined {
  if (packet.length === 0) return undefined;
  const { text, doc } = openPacket(packet);
  const found = findOccurrences(doc);
  if (found.length > 1) {
    throw new LabelError(
      'label.duplicate',
      'The XMP packet holds more than one AIGC label; relabel the file.',
      {
        details: { count: found.length },
      },
    );
  }
  const only = found[0];
  return only === undefined ? undefined : occurrenceValue(text, only);
}

/**
 * The IPTC `Iptc4xmpExt:DigitalSourceType` values of a packet (a detector's trace: a
 * `trainedAlgorithmicMedia` value says a generator made the file). Empty when there is none.
 * Throws like readAigcFromXmp for malformed packets.
 */
export function readDigitalSourceTypes(packet: Uint8Array): string[] {
  if (packet.length === 0) return [];
  const { text, doc } = openPacket(packet);
  return findProperty(doc, isDigitalSourceType).map((o) => {
    if ('kind' in o.node) {
      const resource = o.node.attrs.find((a) => a.ns === RDF_NS && a.local === 'resource');
      if (resource) return resource.value;
    }
    return occurrenceValue(text, o);
  });
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    if (e.start < at) throw invalidXmp('overlapping_edit', e.start); // cannot happen; guards the invariant
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Start of `el` extended over the whitespace-only text just before it, so indentation goes with it. */
function startWithIndent(text: string, el: XmlElement): number {
  const prev = el.parent?.children[el.index - 1];
  return prev?.kind === 'text' && isBlank(text, prev.start, prev.end) ? prev.start : el.start;
}

/** True when, without `removed`, the Description would carry no property (nor comment) at all. */
function leftEmpty(text: string, description: XmlElement, removed: ReadonlySet<unknown>): boolean {
  for (const attr of description.attrs) {
    if (removed.has(attr) || attr.isNamespaceDeclaration) continue;
    if (attr.ns === RDF_NS && attr.local === 'about') continue;
    return false;
  }
  for (const child of description.children) {
    if (removed.has(child)) continue;
    if (child.kind === 'text' && isBlank(text, child.start, child.end)) continue;
    return false;
  }
  return true;
}

function removalEdits(text: string, found: Occurrence[]): Edit[] {
  const byDescription = new Map<XmlElement, Occurrence[]>();
  for (const o of found) {
    const list = byDescription.get(o.description);
    if (list) list.push(o);
    else byDescription.set(o.description, [o]);
  }
  const edits: Edit[] = [];
  for (const [description, list] of byDescription) {
    const removed = new Set(list.map((o) => o.node));
    if (leftEmpty(text, description, removed)) {
      edits.push({ start: startWithIndent(text, description), end: description.end, text: '' });
      continue;
    }
    for (const { node } of list) {
      if ('kind' in node) edits.push({ start: startWithIndent(text, node), end: node.end, text: '' });
      else edits.push({ start: node.leadStart, end: node.end, text: '' });
    }
  }
  return edits;
}

function indentBefore(
  text: string,
  at: number,
  floor: number,
): { lineStart: number; newline: string } | undefined {
  let i = at;
  while (i > floor && (text.charCodeAt(i - 1) === 0x20 || text.charCodeAt(i - 1) === 0x09)) i--;
  if (i <= floor || text.charCodeAt(i - 1) !== 0x0a) return undefined;
  return { lineStart: i, newline: text.charCodeAt(i - 2) === 0x0d ? '\r\n' : '\n' };
}

/** Inserts `content` as the last child of `container`, indented like its existing children. */
function appendChildEdit(text: string, container: XmlElement, content: string): Edit {
  if (container.selfClosing) {
    const slash = container.startTagEnd - 2; // "/>"
    return { start: slash, end: container.startTagEnd, text: `>${content}</${container.qname}>` };
  }
  const close = container.endTagStart;
  const line = indentBefore(text, close, container.startTagEnd);
  if (line === undefined) return { start: close, end: close, text: content };
  const firstChild = container.children.find((c) => c.kind === 'element');
  const childLine = firstChild && indentBefore(text, firstChild.start, container.startTagEnd);
  const indent = childLine
    ? text.slice(childLine.lineStart, firstChild.start)
    : `${text.slice(line.lineStart, close)} `;
  return { start: line.lineStart, end: line.lineStart, text: indent + content + line.newline };
}

function descriptionXml(rdfPrefix: string, about: string, escapedValue: string): string {
  // Local xmlns declarations always win, so the prefixes are ours whatever the packet binds them to elsewhere.
  const p =
    rdfPrefix === '' || rdfPrefix === TC260_PREFIX || rdfPrefix === IPTC_EXT_PREFIX ? 'rdf' : rdfPrefix;
  const rdfDecl = p === rdfPrefix ? '' : ` xmlns:${p}="${RDF_NS}"`;
  return (
    `<${p}:Description${rdfDecl} ${p}:about="${escapeXmlAttribute(about)}" xmlns:${TC260_PREFIX}="${TC260_NS}" xmlns:${IPTC_EXT_PREFIX}="${IPTC_EXT_NS}">` +
    `<${TC260_PREFIX}:${AIGC_PROPERTY}>${escapedValue}</${TC260_PREFIX}:${AIGC_PROPERTY}>` +
    `<${IPTC_EXT_PREFIX}:${DIGITAL_SOURCE_TYPE_PROPERTY}>${TRAINED_ALGORITHMIC_MEDIA}</${IPTC_EXT_PREFIX}:${DIGITAL_SOURCE_TYPE_PROPERTY}>` +
    `</${p}:Description>`
  );
}

/** XMP Part 1 §7.4: all top-level rdf:Description elements must share one rdf:about value. */
function aboutOf(rdf: XmlElement): string {
  for (const d of descriptions(rdf)) {
    const about = d.attrs.find((a) => a.ns === RDF_NS && a.local === 'about');
    if (about) return about.value;
  }
  return '';
}

/** Keeps the packet size stable by consuming (or adding) trailing padding before `<?xpacket end`. */
function paddingEdit(doc: XmlDocument, edits: Edit[]): Edit | undefined {
  const { text, top } = doc;
  let delta = 0;
  for (const e of edits) delta += utf8Length(e.text) - utf8Length(text.slice(e.start, e.end));
  const trailer = top[top.length - 1];
  const pad = top[top.length - 2];
  if (delta === 0 || trailer?.kind !== 'pi' || trailer.target !== 'xpacket' || pad?.kind !== 'text')
    return undefined;
  if (pad.end - pad.start < MIN_PADDING) return undefined;
  const keep = pad.end - 1; // the last padding character (usually a newline) stays
  if (delta < 0) return { start: keep, end: keep, text: ' '.repeat(-delta) };
  return { start: keep - Math.min(delta, keep - pad.start), end: keep, text: '' };
}

function finish(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length > XMP_PACKET_MAX_BYTES) throw tooLarge();
  return bytes;
}

/** A fresh minimal packet (XMP Part 1 §7.3) holding only the label. */
function freshPacket(escapedValue: string): string {
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>' +
    `<x:xmpmeta xmlns:x="${XMPMETA_NS}"><rdf:RDF xmlns:rdf="${RDF_NS}">` +
    descriptionXml('rdf', '', escapedValue) +
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
  );
}

/**
 * Sets the TC260 AIGC property, merging into an existing packet: every existing AIGC property
 * of the namespace (any prefix, element or attribute form) and every IPTC DigitalSourceType is
 * removed, along with an rdf:Description that leaves empty, and one new rdf:Description holding
 * the label and DigitalSourceType `trainedAlgorithmicMedia` is appended to rdf:RDF. Every other byte stays as it was, except trailing padding before `<?xpacket end`,
 * which absorbs the size change when it is long enough. With no (or an empty) packet, builds a
 * fresh minimal one. Throws LabelError (`label.invalid_xmp`, `label.too_large`,
 * `label.invalid_field` when `value` holds characters XML cannot carry).
 */
export function setAigcInXmp(packet: Uint8Array | undefined, value: string): Uint8Array {
  const escaped = escapeXmlText(value);
  let out: Uint8Array;
  if (packet === undefined || packet.length === 0) {
    out = finish(freshPacket(escaped));
  } else {
    const { text, doc } = openPacket(packet);
    // XMP allows one value per property: an existing DigitalSourceType gives way to ours.
    const edits = removalEdits(text, [...findOccurrences(doc), ...findProperty(doc, isDigitalSourceType)]);
    const rdf = rdfElements(doc)[0];
    if (rdf !== undefined) {
      edits.push(appendChildEdit(text, rdf, descriptionXml(rdf.prefix, aboutOf(rdf), escaped)));
    } else if (doc.root.ns === XMPMETA_NS && (doc.root.local === 'xmpmeta' || doc.root.local === 'xapmeta')) {
      const rdfXml = `<rdf:RDF xmlns:rdf="${RDF_NS}">${descriptionXml('rdf', '', escaped)}</rdf:RDF>`;
      edits.push(appendChildEdit(text, doc.root, rdfXml));
    } else {
      throw invalidXmp('no_rdf');
    }
    const padding = paddingEdit(doc, edits);
    if (padding) edits.push(padding);
    out = finish(applyEdits(text, edits));
  }
  // Postcondition: exactly one label, reading back as written.
  if (readAigcFromXmp(out) !== value) throw invalidXmp('merge_failed');
  return out;
}

/**
 * Removes every TC260 AIGC property (and an rdf:Description left empty by that). Returns the
 * packet unchanged (same object) when it holds no label, `undefined` when nothing but an empty
 * rdf:RDF would remain (so the caller can drop the XMP), else the new packet. Internal use:
 * GB 45438-2025 forbids removing labels from published content.
 */
export function removeAigcFromXmp(packet: Uint8Array): Uint8Array | undefined {
  if (packet.length === 0) return undefined;
  const { text, doc } = openPacket(packet);
  const found = findOccurrences(doc);
  if (found.length === 0) return packet;
  // The DigitalSourceType written beside the label goes with it.
  const holders = new Set(found.map((o) => o.description));
  const beside = findProperty(doc, isDigitalSourceType).filter((o) => holders.has(o.description));
  const edits = removalEdits(text, [...found, ...beside]);
  const padding = paddingEdit(doc, edits);
  if (padding) edits.push(padding);
  const out = finish(applyEdits(text, edits));
  const after = rdfElements(openPacket(out).doc);
  return after.every((rdf) => !rdf.children.some((c) => c.kind === 'element')) ? undefined : out;
}
