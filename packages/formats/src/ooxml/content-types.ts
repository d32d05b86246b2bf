/**
 * The package's `[Content_Types].xml` (ECMA-376 Part 2 §10.1.2): every part has a content type,
 * from an `Override` for its part name or a `Default` for its extension. The custom properties
 * part gets an Override with its own type (§22.3 of Part 1 names it), as Office writes it.
 * Part names compare ASCII case-insensitively (Part 2 §9.1.1.1.2).
 */
import { formatError } from '../errors.js';
import { escapeAttribute } from './xml/text.js';
import { type XmlElement, attribute, parseXml } from './xml/tree.js';

export const CONTENT_TYPES_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
export const CUSTOM_PROPERTIES_TYPE = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';

function rootOf(text: string): XmlElement {
  const root = parseXml(text);
  if (root.local !== 'Types' || root.ns !== CONTENT_TYPES_NS) {
    throw formatError('format.corrupt', '[Content_Types].xml has the wrong root element.');
  }
  return root;
}

function overrideFor(root: XmlElement, partName: string): XmlElement | undefined {
  const key = partName.toLowerCase();
  return root.children.find(
    (o) =>
      o.local === 'Override' && o.ns === CONTENT_TYPES_NS && attribute(o, 'PartName')?.toLowerCase() === key,
  );
}

/** True when `text` has an Override for `partName` (absolute, '/docProps/custom.xml'). */
export function hasOverride(text: string, partName: string): boolean {
  return overrideFor(rootOf(text), partName) !== undefined;
}

/**
 * `text` with an Override giving `partName` (absolute, '/docProps/custom.xml') the custom
 * properties type; unchanged when it has one. An Override with another type is corrupt.
 */
export function ensureCustomOverride(text: string, partName: string): string {
  const root = rootOf(text);
  const existing = overrideFor(root, partName);
  if (existing !== undefined) {
    if (attribute(existing, 'ContentType')?.toLowerCase() !== CUSTOM_PROPERTIES_TYPE) {
      throw formatError(
        'format.corrupt',
        'The custom properties part is registered with another content type.',
        {
          offset: existing.start,
        },
      );
    }
    return text;
  }
  const q = root.prefix === '' ? 'Override' : `${root.prefix}:Override`;
  const override = `<${q} PartName="${escapeAttribute(partName)}" ContentType="${CUSTOM_PROPERTIES_TYPE}"/>`;
  if (root.selfClosing) {
    return `${text.slice(0, root.startTagEnd - 2)}>${override}</${root.qname}>${text.slice(root.startTagEnd)}`;
  }
  return text.slice(0, root.endTagStart) + override + text.slice(root.endTagStart);
}
