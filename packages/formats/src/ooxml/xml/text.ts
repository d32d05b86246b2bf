/**
 * XML 1.0 character data: decoding entity and character references (XML 1.0 §4.1, §4.6), line
 * ending normalisation (§2.11) and attribute-value normalisation (§3.3.3), and escaping for
 * output. Only the five predefined entities exist: OPC parts carry no DTD (ECMA-376 Part 2 §8.1.4
 * forbids DTD declarations), so any other entity reference is an error.
 */
import { formatError } from '../../errors.js';

/** XML 1.0 §2.2 Char. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function notWellFormed(message: string, offset: number): never {
  throw formatError('format.corrupt', `OOXML part is not well-formed XML: ${message}.`, { offset });
}

/**
 * Decodes raw character data `text.slice(start, end)`: line endings normalised, references
 * replaced. In attribute values (`attribute`), white space characters become spaces.
 */
export function decodeCharData(text: string, start: number, end: number, attribute: boolean): string {
  let out = '';
  let i = start;
  while (i < end) {
    const ch = text.charCodeAt(i);
    if (ch === 0x26 /* & */) {
      const semi = text.indexOf(';', i);
      if (semi < 0 || semi >= end || semi - i > 12) notWellFormed('an unterminated reference', i);
      const name = text.slice(i + 1, semi);
      if (name.startsWith('#')) {
        const hex = name.startsWith('#x');
        const digits = name.slice(hex ? 2 : 1);
        if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits))
          notWellFormed('a bad character reference', i);
        const cp = Number.parseInt(digits, hex ? 16 : 10);
        if (!isXmlChar(cp)) notWellFormed('a character reference to a non-character', i);
        out += String.fromCodePoint(cp);
      } else {
        const v = PREDEFINED[name];
        if (v === undefined || !Object.hasOwn(PREDEFINED, name)) notWellFormed('an undeclared entity', i);
        out += v;
      }
      i = semi + 1;
    } else if (ch === 0x0d /* CR */) {
      // §2.11: CR LF and a lone CR both become LF.
      out += attribute ? ' ' : '\n';
      i += text.charCodeAt(i + 1) === 0x0a && i + 1 < end ? 2 : 1;
    } else if (attribute && (ch === 0x09 || ch === 0x0a)) {
      out += ' ';
      i++;
    } else if (ch === 0x3c /* < */) {
      notWellFormed('a bare "<"', i);
    } else {
      out += text.charAt(i);
      i++;
    }
  }
  return out;
}

function checkChars(value: string): void {
  for (const c of value) {
    if (!isXmlChar(c.codePointAt(0)!)) {
      throw formatError(
        'format.corrupt',
        'The value holds a character XML 1.0 cannot carry (a control character).',
      );
    }
  }
}

/** Escapes element content; CR is written as a reference so it survives §2.11 normalisation. */
export function escapeText(value: string): string {
  checkChars(value);
  return value.replace(/[&<>\r]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#xD;',
  );
}

/** Escapes a double-quoted attribute value (white space as references, §3.3.3). */
export function escapeAttribute(value: string): string {
  checkChars(value);
  return value.replace(/[&<"\t\n\r]/g, (c) =>
    c === '&'
      ? '&amp;'
      : c === '<'
        ? '&lt;'
        : c === '"'
          ? '&quot;'
          : `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`,
  );
}
