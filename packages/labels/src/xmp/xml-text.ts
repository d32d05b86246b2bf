import { LabelError } from '../errors.js';

/** XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x09 ||
    cp === 0x0a ||
    cp === 0x0d ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

export function isXmlWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** True when text[start, end) is only XML whitespace. */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isXmlWhitespace(text.charCodeAt(i))) return false;
  return true;
}

export function invalidXmp(problem: string, offset?: number): LabelError {
  return new LabelError(
    'label.invalid_xmp',
    `The XMP packet is not well-formed (${problem}); repair or replace the file's XMP.`,
    { details: offset === undefined ? { problem } : { problem, offset } },
  );
}

/**
 * Index of the first character of `text` (from `from`) that XML 1.0 does not allow, or -1.
 * Surrogates must come in pairs (they always do after strict UTF-8 decoding).
 */
export function findInvalidXmlChar(text: string, from = 0, to = text.length): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (i + 1 < to && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return i;
    }
    if (!isXmlChar(c)) return i;
  }
  return -1;
}

const PREDEFINED = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
]);

/**
 * Replaces references in character data (XML 1.0 §4.1, §4.6) and normalises line ends (§2.11).
 * With `attribute`, also applies attribute-value normalisation for CDATA attributes (§3.3.3):
 * each literal tab, LF or CR becomes a space. Only the five predefined entities exist here:
 * there is no DTD, so nothing can be expanded (no XXE, no entity bombs).
 * `offset` is where `raw` starts in the packet, for error details.
 */
export function unescapeXml(raw: string, offset: number, attribute: boolean): string {
  let out = '';
  let run = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x26) {
      out += raw.slice(run, i);
      const semi = raw.indexOf(';', i + 1);
      if (semi < 0 || semi - i > 12) throw invalidXmp('bad_reference', offset + i);
      const name = raw.slice(i + 1, semi);
      if (name.startsWith('#')) {
        const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(name);
        const cp = m === null ? NaN : m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
        if (!isXmlChar(cp)) throw invalidXmp('bad_character_reference', offset + i);
        out += String.fromCodePoint(cp);
      } else {
        const ch = PREDEFINED.get(name);
        if (ch === undefined) throw invalidXmp('undefined_entity', offset + i);
        out += ch;
      }
      i = semi;
      run = semi + 1;
    } else if (c === 0x0d || (attribute && (c === 0x0a || c === 0x09))) {
      out += raw.slice(run, i) + (attribute ? ' ' : '\n');
      if (c === 0x0d && raw.charCodeAt(i + 1) === 0x0a) i++;
      run = i + 1;
    }
  }
  return out + raw.slice(run);
}

/**
 * Escapes `value` for element content: `&`, `<`, `>` and CR (which a reader would otherwise
 * normalise to LF). Throws LabelError `label.invalid_field` when the value holds a character
 * XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF).
 */
export function escapeXmlText(value: string): string {
  if (findInvalidXmlChar(value) >= 0) {
    throw new LabelError('label.invalid_field', 'The AIGC value holds a character XML cannot carry.', {
      details: { field: 'AIGC', problem: 'character' },
    });
  }
  return value.replace(/[&<>\r]/g, (ch) =>
    ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&#13;',
  );
}

/** Escapes `value` for a double-quoted attribute; whitespace controls become references to survive §3.3.3. */
export function escapeXmlAttribute(value: string): string {
  return value.replace(/[&<>"\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
