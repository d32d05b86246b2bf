/**
 * JUMBF writer (ISO/IEC 19566-5 §5): superboxes with a labelled, requestable description box
 * (toggles 0x03), laid out exactly as c2pa-rs `jumbf/boxes.rs` writes them, so an assertion's
 * superbox payload hashes the same whether we or c2pa-rs serialise it.
 */
import { concatBytes } from '@synthguard/core';

const enc = new TextEncoder();

export function box(type: string, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  new DataView(out.buffer).setUint32(0, out.length);
  out.set(enc.encode(type), 4);
  out.set(payload, 8);
  return out;
}

/** A description box: type UUID (hex), toggles 0x03 (requestable + label), NUL-terminated label. */
export function descriptionBox(uuidHex: string, label: string): Uint8Array {
  return box(
    'jumd',
    concatBytes([Buffer.from(uuidHex, 'hex'), Uint8Array.of(0x03), enc.encode(label), Uint8Array.of(0)]),
  );
}

/** The payload of a superbox (what C2PA hashes for hashed URIs). */
export function superBoxPayload(uuidHex: string, label: string, contents: readonly Uint8Array[]): Uint8Array {
  return concatBytes([descriptionBox(uuidHex, label), ...contents]);
}

export function superBox(uuidHex: string, label: string, contents: readonly Uint8Array[]): Uint8Array {
  return box('jumb', superBoxPayload(uuidHex, label, contents));
}
