/**
 * The package relationships part `_rels/.rels` (ECMA-376 Part 2 §9.3): the custom properties part
 * is the target of the package relationship of type …/relationships/custom-properties (Part 1
 * §15.2.12.2). At most one may exist: a second is how a forged label would hide. Targets are
 * resolved against the package root (§9.3.2.2, RFC 3986 §5.2).
 */
import { formatError } from '../errors.js';
import { escapeAttribute } from './xml/text.js';
import { type XmlElement, attribute, parseXml } from './xml/tree.js';

export const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const CUSTOM_PROPERTIES_REL =
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';
const STRICT_CUSTOM_PROPERTIES_REL =
  'http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties';

function rootOf(text: string): XmlElement {
  const root = parseXml(text);
  if (root.local !== 'Relationships' || root.ns !== RELATIONSHIPS_NS) {
    throw formatError('format.corrupt', '_rels/.rels has the wrong root element.');
  }
  return root;
}

function relationships(root: XmlElement): XmlElement[] {
  return root.children.filter((r) => r.local === 'Relationship' && r.ns === RELATIONSHIPS_NS);
}

/** A package-relative target as a ZIP entry name ('/docProps/custom.xml' → 'docProps/custom.xml'). */
export function resolveTarget(target: string): string {
  const out: string[] = [];
  for (const seg of target.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.pop() === undefined)
        throw formatError('format.corrupt', 'A package relationship points above the package root.');
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0 || /[?#]/.test(target)) {
    throw formatError('format.corrupt', 'A package relationship has an invalid target.');
  }
  return out.join('/');
}

/** The entry name of the custom properties part the package points at, or undefined. */
export function customPropertiesTarget(text: string): string | undefined {
  let found: XmlElement | undefined;
  for (const r of relationships(rootOf(text))) {
    const type = attribute(r, 'Type');
    if (type !== CUSTOM_PROPERTIES_REL && type !== STRICT_CUSTOM_PROPERTIES_REL) continue;
    if (found !== undefined) {
      throw formatError('format.duplicate_metadata', 'The package has two custom properties relationships.', {
        first: found.start,
        second: r.start,
      });
    }
    found = r;
  }
  if (found === undefined) return undefined;
  const target = attribute(found, 'Target');
  if (target === undefined || attribute(found, 'TargetMode') === 'External') {
    throw formatError('format.corrupt', 'The custom properties relationship has no internal target.', {
      offset: found.start,
    });
  }
  return resolveTarget(target);
}

/** `text` with a custom properties relationship to `entryName` (a new unique Id); unchanged when present. */
export function ensureCustomRelationship(text: string, entryName: string): string {
  if (customPropertiesTarget(text) !== undefined) return text;
  const root = rootOf(text);
  const ids = new Set(relationships(root).map((r) => attribute(r, 'Id')));
  let n = 1;
  while (ids.has(`rId${String(n)}`)) n++;
  const q = root.prefix === '' ? 'Relationship' : `${root.prefix}:Relationship`;
  const rel = `<${q} Id="rId${String(n)}" Type="${CUSTOM_PROPERTIES_REL}" Target="${escapeAttribute(entryName)}"/>`;
  if (root.selfClosing) {
    return `${text.slice(0, root.startTagEnd - 2)}>${rel}</${root.qname}>${text.slice(root.startTagEnd)}`;
  }
  return text.slice(0, root.endTagStart) + rel + text.slice(root.endTagStart);
}
