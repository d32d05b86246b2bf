/**
 * Strict standard base64 (RFC 4648 §4: alphabet `A–Z a–z 0–9 + /`, `=` padding required), the
 * encoding C2SP signed-note keys and signatures and tlog-checkpoint root hashes use.
 *
 * Node's `Buffer.from(s, 'base64')` is lenient (it skips unknown characters, accepts the URL-safe
 * alphabet and missing padding); for attacker-controlled text we accept only the canonical
 * encoding: the one `encodeBase64` would produce for the decoded bytes (so no non-zero padding
 * bits either). Go's `base64.StdEncoding` is slightly more lenient (it skips CR and LF and
 * accepts non-zero padding bits); nothing Go's note and tlog packages write is affected.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The bytes `text` encodes, or undefined when `text` is not canonical standard base64. Callers
 * cap the length of `text` first and throw their own typed error.
 */
export function decodeBase64Strict(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes); // a copy, not a view into Node's shared pool
}
