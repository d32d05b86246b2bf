/** PEM armour (RFC 7468 §2): DER <-> base64 text between BEGIN/END lines. */
import { c2paError } from '../errors.js';

export function derToPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every `label` block in `pem`, in order, as DER. At most `max` blocks. */
export function pemToDers(pem: string, label: string, max = 16): Uint8Array[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]*?)-----END ${label}-----`, 'g');
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(re)) {
    if (out.length >= max) throw c2paError('c2pa.too_large', 'Too many PEM blocks.', { limit: max });
    out.push(new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}
