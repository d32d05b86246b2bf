import { invalidXmp, isXmlWhitespace } from './xml-text.js';

/**
 * A minimal XML 1.0 tokenizer for XMP packets. It reports positions (UTF-16 indices into the
 * decoded packet) so callers can splice the original text and leave every other byte alone.
 *
 * Hostile-input rules: no DTD at all (DOCTYPE and any other `<!` markup is rejected, so no
 * entity can be declared or expanded — XXE-safe), every scan is linear (indexOf, no
 * backtracking regular expressions), and every error is a LabelError `label.invalid_xmp`.
 */

export interface XmlAttr {
  qname: string;
  /** Start of the whitespace before the attribute name (removing [leadStart, end) drops it cleanly). */
  leadStart: number;
  nameStart: number;
  /** The raw value lies in [valueStart, valueEnd); the quotes sit just outside. */
  valueStart: number;
  valueEnd: number;
  /** Just after the closing quote. */
  end: number;
}

export type XmlToken =
  | { kind: 'text'; start: number; end: number }
  | { kind: 'cdata'; start: number; end: number }
  | { kind: 'comment'; start: number; end: number }
  | { kind: 'pi'; start: number; end: number; target: string }
  | { kind: 'start'; start: number; end: number; qname: string; attrs: XmlAttr[]; selfClosing: boolean }
  | { kind: 'end'; start: number; end: number; qname: string };

function isNameStart(c: number): boolean {
  // XML 1.0 §2.3 NameStartChar, simplified: every non-ASCII code unit is accepted.
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

export class XmlTokenizer {
  private at: number;
  private sawMarkup = false;

  constructor(
    private readonly text: string,
    start = 0,
    private readonly limit = text.length,
  ) {
    this.at = start;
  }

  /** Returns the next token, or undefined at the end of input. */
  next(): XmlToken | undefined {
    const t = this.text;
    const start = this.at;
    if (start >= this.limit) return undefined;
    const first = !this.sawMarkup;
    this.sawMarkup = true;
    if (t.charCodeAt(start) !== 0x3c) {
      let end = t.indexOf('<', start);
      if (end < 0 || end > this.limit) end = this.limit;
      this.at = end;
      return { kind: 'text', start, end };
    }
    const c1 = t.charCodeAt(start + 1);
    if (c1 === 0x3f) return this.processingInstruction(start, first);
    if (c1 === 0x21) {
      if (t.startsWith('<!--', start)) {
        const end = this.until('-->', start + 4, 'unterminated_comment');
        return { kind: 'comment', start, end };
      }
      if (t.startsWith('<![CDATA[', start)) {
        const end = this.until(']]>', start + 9, 'unterminated_cdata');
        return { kind: 'cdata', start, end };
      }
      // DOCTYPE, ENTITY, ELEMENT…: XMP has no DTD, and we never expand declared entities.
      throw invalidXmp(
        t.startsWith('<!DOCTYPE', start) ? 'doctype_not_allowed' : 'markup_declaration',
        start,
      );
    }
    if (c1 === 0x2f) {
      let i = start + 2;
      const qname = this.name(i);
      i = this.skipWhitespace(i + qname.length);
      if (t.charCodeAt(i) !== 0x3e || i >= this.limit) throw invalidXmp('bad_end_tag', start);
      this.at = i + 1;
      return { kind: 'end', start, end: this.at, qname };
    }
    return this.startTag(start);
  }

  private until(terminator: string, from: number, problem: string): number {
    const i = this.text.indexOf(terminator, from);
    if (i < 0 || i + terminator.length > this.limit) throw invalidXmp(problem, from);
    this.at = i + terminator.length;
    return this.at;
  }

  private processingInstruction(start: number, first: boolean): XmlToken {
    const target = this.name(start + 2);
    const afterTarget = start + 2 + target.length;
    const c = this.text.charCodeAt(afterTarget);
    if (!(isXmlWhitespace(c) || this.text.startsWith('?>', afterTarget))) throw invalidXmp('bad_pi', start);
    // XML 1.0 §2.8: the XML declaration may appear only at the very beginning.
    if (target.toLowerCase() === 'xml' && !(first && target === 'xml'))
      throw invalidXmp('misplaced_xml_declaration', start);
    const end = this.until('?>', afterTarget, 'unterminated_pi');
    return { kind: 'pi', start, end, target };
  }

  private startTag(start: number): XmlToken {
    const t = this.text;
    const qname = this.name(start + 1);
    let i = start + 1 + qname.length;
    const attrs: XmlAttr[] = [];
    for (;;) {
      const leadStart = i;
      i = this.skipWhitespace(i);
      if (i >= this.limit) throw invalidXmp('unterminated_start_tag', start);
      const c = t.charCodeAt(i);
      if (c === 0x3e) {
        this.at = i + 1;
        return { kind: 'start', start, end: this.at, qname, attrs, selfClosing: false };
      }
      if (c === 0x2f) {
        if (t.charCodeAt(i + 1) !== 0x3e || i + 1 >= this.limit) throw invalidXmp('bad_start_tag', i);
        this.at = i + 2;
        return { kind: 'start', start, end: this.at, qname, attrs, selfClosing: true };
      }
      if (i === leadStart) throw invalidXmp('missing_whitespace_before_attribute', i);
      const nameStart = i;
      const attrName = this.name(i);
      i = this.skipWhitespace(i + attrName.length);
      if (t.charCodeAt(i) !== 0x3d) throw invalidXmp('expected_equals', i);
      i = this.skipWhitespace(i + 1);
      const quote = t.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) throw invalidXmp('expected_quote', i);
      const valueStart = i + 1;
      const valueEnd = t.indexOf(quote === 0x22 ? '"' : "'", valueStart);
      if (valueEnd < 0 || valueEnd >= this.limit) throw invalidXmp('unterminated_attribute', valueStart);
      for (let j = valueStart; j < valueEnd; j++) {
        if (t.charCodeAt(j) === 0x3c) throw invalidXmp('lt_in_attribute', j);
      }
      i = valueEnd + 1;
      attrs.push({ qname: attrName, leadStart, nameStart, valueStart, valueEnd, end: i });
    }
  }

  private name(from: number): string {
    const t = this.text;
    if (from >= this.limit || !isNameStart(t.charCodeAt(from))) throw invalidXmp('expected_name', from);
    let i = from + 1;
    while (i < this.limit && isNameChar(t.charCodeAt(i))) i++;
    return t.slice(from, i);
  }

  private skipWhitespace(from: number): number {
    let i = from;
    while (i < this.limit && isXmlWhitespace(this.text.charCodeAt(i))) i++;
    return i;
  }
}
