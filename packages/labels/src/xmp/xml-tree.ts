import { findInvalidXmlChar, invalidXmp, isBlank, unescapeXml } from './xml-text.js';
import { type XmlAttr, XmlTokenizer } from './xml-tokenizer.js';

/** Namespaces in XML 1.0 §3: the `xml` prefix is bound without declaration. */
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export const XML_MAX_DEPTH = 64;

export interface XmlNsAttr extends XmlAttr {
  prefix: string;
  local: string;
  /** Namespace of the attribute; unprefixed attributes have none. Declarations get XMLNS_NS. */
  ns: string | undefined;
  /** The value after reference replacement and attribute-value normalisation. */
  value: string;
  isNamespaceDeclaration: boolean;
}

export interface XmlElement {
  kind: 'element';
  qname: string;
  prefix: string;
  local: string;
  ns: string | undefined;
  attrs: XmlNsAttr[];
  start: number;
  /** Just after the start tag's `>`. */
  startTagEnd: number;
  /** Where the end tag starts (equals startTagEnd for a self-closing element). */
  endTagStart: number;
  /** Just after the element. */
  end: number;
  selfClosing: boolean;
  children: XmlNode[];
  parent: XmlElement | undefined;
  /** Position in the parent's `children` (or the document's `top`). */
  index: number;
}

export interface XmlLeaf {
  kind: 'text' | 'cdata' | 'comment' | 'pi';
  start: number;
  end: number;
  target?: string;
}

export type XmlNode = XmlElement | XmlLeaf;

export interface XmlDocument {
  text: string;
  /** Top-level nodes in order: the root element plus prolog/epilog whitespace, comments and PIs. */
  top: XmlNode[];
  root: XmlElement;
}

function splitQName(qname: string, offset: number): { prefix: string; local: string } {
  const colon = qname.indexOf(':');
  if (colon < 0) return { prefix: '', local: qname };
  const prefix = qname.slice(0, colon);
  const local = qname.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw invalidXmp('bad_qualified_name', offset);
  return { prefix, local };
}

class Scope {
  constructor(
    private readonly parent: Scope | undefined,
    private readonly bindings: ReadonlyMap<string, string>,
  ) {}

  /** '' is the default namespace; the empty URI means "no namespace". */
  lookup(prefix: string): string | undefined {
    return this.bindings.get(prefix) ?? this.parent?.lookup(prefix);
  }
}

function resolveAttributes(
  text: string,
  raw: XmlAttr[],
  parentScope: Scope,
): { attrs: XmlNsAttr[]; scope: Scope } {
  const bindings = new Map<string, string>();
  const attrs: XmlNsAttr[] = [];
  const seenQNames = new Set<string>();
  for (const a of raw) {
    if (seenQNames.has(a.qname)) throw invalidXmp('duplicate_attribute', a.nameStart);
    seenQNames.add(a.qname);
    const { prefix, local } = splitQName(a.qname, a.nameStart);
    const value = unescapeXml(text.slice(a.valueStart, a.valueEnd), a.valueStart, true);
    const isDecl = a.qname === 'xmlns' || prefix === 'xmlns';
    if (isDecl) {
      const declared = prefix === '' ? '' : local;
      // Namespaces in XML 1.0 §3: no undeclaring a prefix, xmlns is reserved, xml is fixed.
      if (declared !== '' && value === '') throw invalidXmp('empty_namespace_name', a.nameStart);
      if (declared === 'xmlns' || value === XMLNS_NS) throw invalidXmp('reserved_namespace', a.nameStart);
      if ((declared === 'xml') !== (value === XML_NS)) throw invalidXmp('reserved_namespace', a.nameStart);
      bindings.set(declared, value);
    }
    attrs.push({
      qname: a.qname,
      leadStart: a.leadStart,
      nameStart: a.nameStart,
      valueStart: a.valueStart,
      valueEnd: a.valueEnd,
      end: a.end,
      prefix,
      local,
      ns: isDecl ? XMLNS_NS : undefined,
      value,
      isNamespaceDeclaration: isDecl,
    });
  }
  const scope = bindings.size === 0 ? parentScope : new Scope(parentScope, bindings);
  const seenExpanded = new Set<string>();
  for (const a of attrs) {
    if (a.isNamespaceDeclaration || a.prefix === '') continue;
    const ns = scope.lookup(a.prefix);
    if (ns === undefined || ns === '') throw invalidXmp('unbound_prefix', a.nameStart);
    a.ns = ns;
    const expanded = `${ns}\u0000${a.local}`;
    if (seenExpanded.has(expanded)) throw invalidXmp('duplicate_attribute', a.nameStart);
    seenExpanded.add(expanded);
  }
  return { attrs, scope };
}

/**
 * Parses namespaced XML into a position-carrying tree. `start` skips a BOM; `limit` excludes
 * trailing NUL padding. Throws LabelError `label.invalid_xmp` (or nothing).
 */
export function parseXml(text: string, start = 0, limit = text.length): XmlDocument {
  const bad = findInvalidXmlChar(text, start, limit);
  if (bad >= 0) throw invalidXmp('invalid_character', bad);

  const tokenizer = new XmlTokenizer(text, start, limit);
  const top: XmlNode[] = [];
  let root: XmlElement | undefined;
  const stack: { element: XmlElement; scope: Scope }[] = [];
  const rootScope = new Scope(undefined, new Map([['xml', XML_NS]]));

  for (let token = tokenizer.next(); token !== undefined; token = tokenizer.next()) {
    const frame = stack[stack.length - 1];
    const siblings = frame === undefined ? top : frame.element.children;
    switch (token.kind) {
      case 'text':
        if (frame === undefined) {
          if (!isBlank(text, token.start, token.end)) throw invalidXmp('text_outside_root', token.start);
        } else {
          unescapeXml(text.slice(token.start, token.end), token.start, false); // validates references
        }
        siblings.push({ kind: 'text', start: token.start, end: token.end });
        break;
      case 'cdata':
        if (frame === undefined) throw invalidXmp('cdata_outside_root', token.start);
        siblings.push({ kind: 'cdata', start: token.start, end: token.end });
        break;
      case 'comment':
        siblings.push({ kind: 'comment', start: token.start, end: token.end });
        break;
      case 'pi':
        siblings.push({ kind: 'pi', start: token.start, end: token.end, target: token.target });
        break;
      case 'start': {
        if (frame === undefined && root !== undefined) throw invalidXmp('second_root_element', token.start);
        if (stack.length >= XML_MAX_DEPTH) throw invalidXmp('too_deep', token.start);
        const { prefix, local } = splitQName(token.qname, token.start + 1);
        const { attrs, scope } = resolveAttributes(text, token.attrs, frame?.scope ?? rootScope);
        const ns = scope.lookup(prefix);
        if (prefix !== '' && (ns === undefined || ns === '')) throw invalidXmp('unbound_prefix', token.start);
        const element: XmlElement = {
          kind: 'element',
          qname: token.qname,
          prefix,
          local,
          ns: ns === '' ? undefined : ns,
          attrs,
          start: token.start,
          startTagEnd: token.end,
          endTagStart: token.end,
          end: token.end,
          selfClosing: token.selfClosing,
          children: [],
          parent: frame?.element,
          index: siblings.length,
        };
        siblings.push(element);
        if (frame === undefined) root = element;
        if (!token.selfClosing) stack.push({ element, scope });
        break;
      }
      case 'end': {
        if (frame === undefined || frame.element.qname !== token.qname) {
          throw invalidXmp('mismatched_end_tag', token.start);
        }
        frame.element.endTagStart = token.start;
        frame.element.end = token.end;
        stack.pop();
        break;
      }
    }
  }
  if (stack.length > 0) throw invalidXmp('unclosed_element', limit);
  if (root === undefined) throw invalidXmp('no_root_element', start);
  return { text, top, root };
}
