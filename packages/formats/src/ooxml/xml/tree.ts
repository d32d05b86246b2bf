/**
 * A small, hostile-input-safe XML 1.0 parser for the OPC parts we edit ([Content_Types].xml,
 * relationships, custom properties). It builds an element tree that keeps source offsets, so
 * edits splice text into the original and every other character stays as it was.
 *
 * Well-formedness (XML 1.0 §2.1, §3.1): one root, matching end tags, quoted and unique attributes,
 * known references only. Namespaces (Namespaces in XML 1.0 §6) are resolved for elements. A
 * DOCTYPE is rejected (OPC, ECMA-376 Part 2 §8.1.4, forbids DTDs; no entity expansion ever
 * happens). Depth and element count are capped; the scan is linear in the text length.
 */
import { formatError } from '../../errors.js';
import { decodeCharData } from './text.js';

export const MAX_XML_DEPTH = 64;
export const MAX_XML_NODES = 200_000;

export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

export interface XmlAttribute {
  readonly qname: string;
  /** The normalised, decoded value. */
  readonly value: string;
}

export interface XmlElement {
  readonly qname: string;
  readonly prefix: string;
  readonly local: string;
  /** Namespace URI, or '' when none. */
  readonly ns: string;
  readonly attributes: readonly XmlAttribute[];
  /** Offset of '<' of the start tag. */
  readonly start: number;
  /** Offset just after the start tag's '>' (for an empty-element tag, of '/>'). */
  readonly startTagEnd: number;
  readonly selfClosing: boolean;
  /** Offset of '<' of the end tag (`startTagEnd` for an empty-element tag). */
  readonly endTagStart: number;
  /** Offset just after the element. */
  readonly end: number;
  readonly children: readonly XmlElement[];
  /** Decoded character data directly inside the element (text and CDATA, concatenated). */
  readonly text: string;
  /** Prefix → namespace bindings in scope inside the element ('' is the default namespace). */
  readonly scope: ReadonlyMap<string, string>;
}

export function attribute(e: XmlElement, qname: string): string | undefined {
  return e.attributes.find((a) => a.qname === qname)?.value;
}

function fail(message: string, offset: number): never {
  throw formatError('format.corrupt', `OOXML part is not well-formed XML: ${message}.`, { offset });
}

const NAME = /[A-Za-z_:\u00c0-\ufffd][\w.:\u00b7\u00c0-\ufffd-]*/y;
const SPACE = /[ \t\r\n]*/y;

interface Building {
  qname: string;
  attributes: XmlAttribute[];
  start: number;
  startTagEnd: number;
  children: XmlElement[];
  text: string;
  scope: Map<string, string>;
}

class Parser {
  private i = 0;
  private nodes = 0;
  private readonly stack: Building[] = [];
  private root: XmlElement | undefined;

  constructor(private readonly s: string) {}

  parse(): XmlElement {
    const s = this.s;
    while (this.i < s.length) {
      const lt = s.indexOf('<', this.i);
      const textEnd = lt < 0 ? s.length : lt;
      if (textEnd > this.i) this.text(this.i, textEnd);
      if (lt < 0) break;
      this.i = lt;
      if (s.startsWith('<!--', lt)) this.skipPast('-->', lt + 4, 'an unterminated comment');
      else if (s.startsWith('<?', lt)) this.skipPast('?>', lt + 2, 'an unterminated processing instruction');
      else if (s.startsWith('<![CDATA[', lt)) this.cdata(lt);
      else if (s.startsWith('<!', lt)) fail('a DOCTYPE or other declaration (OPC forbids DTDs)', lt);
      else if (s.startsWith('</', lt)) this.endTag(lt);
      else this.startTag(lt);
    }
    if (this.stack.length > 0)
      throw formatError(
        'format.corrupt',
        'OOXML part is not well-formed XML: an element is never closed.',
        {},
      );
    if (this.root === undefined) fail('no root element', 0);
    return this.root;
  }

  private skipPast(close: string, from: number, what: string): void {
    const at = this.s.indexOf(close, from);
    if (at < 0) fail(what, from);
    this.i = at + close.length;
  }

  private text(start: number, end: number): void {
    const top = this.stack.at(-1);
    if (top === undefined) {
      // Outside the root only white space (XML 1.0 §2.8 Misc; a BOM was removed by the caller).
      if (!/^[ \t\r\n]*$/.test(this.s.slice(start, end))) fail('text outside the root element', start);
      return;
    }
    top.text += decodeCharData(this.s, start, end, false);
  }

  private cdata(lt: number): void {
    const close = this.s.indexOf(']]>', lt + 9);
    if (close < 0) fail('an unterminated CDATA section', lt);
    const top = this.stack.at(-1);
    if (top === undefined) fail('CDATA outside the root element', lt);
    top.text += this.s.slice(lt + 9, close).replace(/\r\n?/g, '\n');
    this.i = close + 3;
  }

  private name(): string {
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.s);
    if (m === null) fail('a missing name', this.i);
    this.i += m[0].length;
    return m[0];
  }

  private space(): number {
    SPACE.lastIndex = this.i;
    const n = SPACE.exec(this.s)![0].length;
    this.i += n;
    return n;
  }

  private startTag(lt: number): void {
    if (this.root !== undefined && this.stack.length === 0) fail('a second root element', lt);
    if (this.stack.length >= MAX_XML_DEPTH) fail('elements nested too deeply', lt);
    if (++this.nodes > MAX_XML_NODES) fail('too many elements', lt);
    this.i = lt + 1;
    const qname = this.name();
    const attributes: XmlAttribute[] = [];
    const names = new Set<string>();
    const parentScope = this.stack.at(-1)?.scope;
    const scope = new Map(parentScope ?? [['xml', XML_NS]]);
    for (;;) {
      const ws = this.space();
      const c = this.s[this.i];
      if (c === '>' || c === '/') break;
      if (c === undefined) fail('an unterminated start tag', lt);
      if (ws === 0) fail('attributes without white space between them', this.i);
      if (++this.nodes > MAX_XML_NODES) fail('too many attributes', this.i);
      const an = this.name();
      this.space();
      if (this.s[this.i] !== '=') fail('an attribute without a value', this.i);
      this.i++;
      this.space();
      const q = this.s[this.i];
      if (q !== '"' && q !== "'") fail('an unquoted attribute value', this.i);
      const close = this.s.indexOf(q, this.i + 1);
      if (close < 0) fail('an unterminated attribute value', this.i);
      const value = decodeCharData(this.s, this.i + 1, close, true);
      this.i = close + 1;
      if (names.has(an)) fail('a repeated attribute', this.i);
      names.add(an);
      attributes.push({ qname: an, value });
      if (an === 'xmlns') scope.set('', value);
      else if (an.startsWith('xmlns:')) scope.set(an.slice(6), value);
    }
    const selfClosing = this.s[this.i] === '/';
    if (selfClosing) {
      if (this.s[this.i + 1] !== '>') fail('a bad empty-element tag', this.i);
      this.i += 2;
    } else {
      this.i += 1;
    }
    const b: Building = { qname, attributes, start: lt, startTagEnd: this.i, children: [], text: '', scope };
    if (selfClosing) this.finish(b, this.i, this.i);
    else this.stack.push(b);
  }

  private endTag(lt: number): void {
    this.i = lt + 2;
    const qname = this.name();
    this.space();
    if (this.s[this.i] !== '>') fail('a bad end tag', lt);
    this.i++;
    const b = this.stack.pop();
    if (b === undefined || b.qname !== qname) fail('an end tag that does not match its start tag', lt);
    this.finish(b, lt, this.i);
  }

  private finish(b: Building, endTagStart: number, end: number): void {
    const colon = b.qname.indexOf(':');
    const prefix = colon < 0 ? '' : b.qname.slice(0, colon);
    const local = colon < 0 ? b.qname : b.qname.slice(colon + 1);
    const ns = b.scope.get(prefix);
    if (ns === undefined && prefix !== '') fail('an unbound namespace prefix', b.start);
    const e: XmlElement = {
      qname: b.qname,
      prefix,
      local,
      ns: ns ?? '',
      attributes: b.attributes,
      start: b.start,
      startTagEnd: b.startTagEnd,
      selfClosing: endTagStart === b.startTagEnd && end === b.startTagEnd,
      endTagStart,
      end,
      children: b.children,
      text: b.text,
      scope: b.scope,
    };
    const parent = this.stack.at(-1);
    if (parent === undefined) this.root = e;
    else parent.children.push(e);
  }
}

/** Parses `text` (no BOM) into its root element. Throws FormatError `format.corrupt`. */
export function parseXml(text: string): XmlElement {
  return new Parser(text).parse();
}

/** The first prefix bound to `ns` in `scope` ('' for the default namespace), if any. */
export function prefixFor(scope: ReadonlyMap<string, string>, ns: string): string | undefined {
  for (const [p, uri] of scope) if (uri === ns && scope.get(p) === ns) return p;
  return undefined;
}
