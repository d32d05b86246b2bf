/**
 * PDF text strings (ISO 32000-1 §7.9.2.2; ISO 32000-2 §7.9.2.2 adds UTF-8): the bytes of a
 * string object read as PDFDocEncoding (Annex D.2), as UTF-16BE after the BOM FE FF, or as UTF-8
 * after EF BB BF.
 *
 * Writing: a value made only of characters PDFDocEncoding maps to themselves (printable ASCII,
 * TAB, LF, CR) becomes a PDFDocEncoding literal string; anything else UTF-16BE with its BOM,
 * also as a literal string. Literal rather than hexadecimal: hex doubles the size (four digits
 * per UTF-16 code unit), and both forms are equally valid text strings (§7.3.4.1). `(`, `)` and
 * `\` are escaped, and so are CR and LF, which a reader would otherwise normalise (§7.3.4.2).
 */

/** Annex D.2: PDFDocEncoding bytes that differ from Latin-1 (0 = undefined). */
const PDFDOC_18_1F = [0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc];
const PDFDOC_80_A0 = [
  0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212, 0x2030, 0x201e,
  0x201c, 0x201d, 0x2018, 0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160, 0x0178, 0x017d,
  0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0x0000, 0x20ac,
];

const utf16be = new TextDecoder('utf-16be', { ignoreBOM: true });
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text of a string object's bytes. Lenient: undefined PDFDocEncoding codes read as Latin-1. */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return utf16be.decode(bytes.subarray(2));
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8.decode(bytes.subarray(3));
  let out = '';
  for (const b of bytes) {
    const mapped =
      b >= 0x18 && b <= 0x1f ? PDFDOC_18_1F[b - 0x18]! : b >= 0x80 && b <= 0xa0 ? PDFDOC_80_A0[b - 0x80]! : b;
    out += String.fromCharCode(mapped === 0 ? b : mapped);
  }
  return out;
}

/** True when every character is one PDFDocEncoding writes as its own ASCII byte. */
function isPlainAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x20 && c <= 0x7e) || c === 0x09 || c === 0x0a || c === 0x0d)) return false;
  }
  return true;
}

/** The string's bytes before escaping: ASCII as is, or FE FF + UTF-16BE code units. */
function textBytes(value: string): Uint8Array {
  if (isPlainAscii(value)) return Uint8Array.from(value, (c) => c.charCodeAt(0));
  const out = new Uint8Array(2 + 2 * value.length);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < value.length; i++) {
    const u = value.charCodeAt(i);
    out[2 + 2 * i] = u >> 8;
    out[3 + 2 * i] = u & 0xff;
  }
  return out;
}

const ESCAPED: Partial<Record<number, number>> = {
  0x28: 0x28,
  0x29: 0x29,
  0x5c: 0x5c,
  0x0d: 0x72,
  0x0a: 0x6e,
};

/** `value` as a literal string object, parentheses included (§7.3.4.2). */
export function encodeTextString(value: string): Uint8Array {
  const raw = textBytes(value);
  let escapes = 0;
  for (const b of raw) if (ESCAPED[b] !== undefined) escapes++;
  const out = new Uint8Array(raw.length + escapes + 2);
  let n = 0;
  out[n++] = 0x28;
  for (const b of raw) {
    const e = ESCAPED[b];
    if (e !== undefined) {
      out[n++] = 0x5c;
      out[n++] = e;
    } else out[n++] = b;
  }
  out[n] = 0x29;
  return out;
}
