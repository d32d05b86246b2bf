/**
 * JUMBF boxes (ISO/IEC 19566-5:2023 §5, box syntax of ISO/IEC 14496-12 §4.2): a superbox
 * `jumb` holds a description box `jumd` (type UUID, toggles, optional label / id / signature /
 * private box) followed by content boxes (`cbor`, `json`, `bidb`, nested `jumb`, ...). C2PA
 * 2.x §11.1 builds the manifest store from them. Parsing is bounded: box sizes are checked
 * against the enclosing box, nesting depth and box counts are capped, and only C2paError
 * escapes. Every parsed box keeps the byte range it came from, because C2PA hashes the bytes
 * (§8.4.2.3: an assertion's hash covers its superbox payload), never a re-serialisation.
 */
import { c2paError } from '../errors.js';

export const MAX_JUMBF_DEPTH = 8;
export const MAX_JUMBF_BOXES = 4096;

export interface JumbfBox {
  readonly type: string;
  /** Offset of the box header within the buffer passed to `parseJumbf`. */
  readonly start: number;
  readonly end: number;
  /** Payload (after the header) as a view. */
  readonly payload: Uint8Array;
}

export interface JumbfDescription {
  /** The 16-byte type UUID as lower-case hex. */
  readonly uuid: string;
  readonly toggles: number;
  readonly label: string | undefined;
  readonly id: number | undefined;
  /** Private box inside `jumd` (C2PA: the `c2sh` salt box), as raw bytes. */
  readonly privateBox: Uint8Array | undefined;
}

export interface JumbfSuperBox extends JumbfBox {
  readonly type: 'jumb';
  readonly description: JumbfDescription;
  /** Content boxes after `jumd`, in order: nested superboxes are parsed, others kept raw. */
  readonly contents: readonly (JumbfSuperBox | JumbfBox)[];
}

export function isSuperBox(b: JumbfBox): b is JumbfSuperBox {
  return b.type === 'jumb';
}

function corrupt(what: string, offset: number): Error {
  return c2paError('c2pa.corrupt', `JUMBF is malformed (${what}); the manifest store is damaged.`, {
    offset,
  });
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Budget {
  boxes: number;
}

/** Reads one box header at `at` (ISO 14496-12 §4.2: size 1 = 64-bit size follows, 0 = to end). */
function readBox(buf: Uint8Array, at: number, limit: number): JumbfBox {
  if (at + 8 > limit) throw corrupt('ends inside a box header', at);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let size = view.getUint32(at);
  const type = latin1.decode(buf.subarray(at + 4, at + 8));
  let header = 8;
  if (size === 1) {
    if (at + 16 > limit) throw corrupt('ends inside a large size', at);
    const big = view.getBigUint64(at + 8);
    if (big > BigInt(limit - at)) throw corrupt('box longer than its container', at);
    size = Number(big);
    header = 16;
  } else if (size === 0) {
    size = limit - at;
  }
  if (size < header || at + size > limit) throw corrupt('box size out of range', at);
  return { type, start: at, end: at + size, payload: buf.subarray(at + header, at + size) };
}

function parseDescription(box: JumbfBox): JumbfDescription {
  const p = box.payload;
  if (p.length < 17) throw corrupt('description box too short', box.start);
  const uuid = Buffer.from(p.subarray(0, 16)).toString('hex');
  const toggles = p[16]!;
  let at = 17;
  let label: string | undefined;
  let id: number | undefined;
  let privateBox: Uint8Array | undefined;
  if (toggles & 0x02) {
    const nul = p.indexOf(0, at);
    if (nul < 0) throw corrupt('label without terminator', box.start);
    try {
      label = utf8.decode(p.subarray(at, nul));
    } catch {
      throw corrupt('label is not UTF-8', box.start);
    }
    at = nul + 1;
  }
  if (toggles & 0x04) {
    if (at + 4 > p.length) throw corrupt('ends inside the box id', box.start);
    id = new DataView(p.buffer, p.byteOffset + at, 4).getUint32(0);
    at += 4;
  }
  if (toggles & 0x08) {
    if (at + 32 > p.length) throw corrupt('ends inside the signature', box.start);
    at += 32;
  }
  if (toggles & 0x10) {
    const priv = readBox(p, at, p.length);
    privateBox = p.subarray(priv.start, priv.end);
    at = priv.end;
  }
  if (at !== p.length) throw corrupt('trailing bytes in the description box', box.start);
  return { uuid, toggles, label, id, privateBox };
}

function parseSuper(buf: Uint8Array, box: JumbfBox, depth: number, budget: Budget): JumbfSuperBox {
  if (depth > MAX_JUMBF_DEPTH) {
    throw c2paError('c2pa.too_large', 'JUMBF nests too deeply.', { limit: MAX_JUMBF_DEPTH });
  }
  const payloadStart = box.end - box.payload.length;
  const first = readBox(buf, payloadStart, box.end);
  if (first.type !== 'jumd') throw corrupt('superbox without a description box', box.start);
  const description = parseDescription(first);
  const contents: (JumbfSuperBox | JumbfBox)[] = [];
  let at = first.end;
  while (at < box.end) {
    if (++budget.boxes > MAX_JUMBF_BOXES) {
      throw c2paError('c2pa.too_large', 'Too many JUMBF boxes.', { limit: MAX_JUMBF_BOXES });
    }
    const child = readBox(buf, at, box.end);
    contents.push(child.type === 'jumb' ? parseSuper(buf, child, depth + 1, budget) : child);
    at = child.end;
  }
  return { ...box, type: 'jumb', description, contents };
}

/** Parses `bytes` as exactly one JUMBF superbox. Throws C2paError. */
export function parseJumbf(bytes: Uint8Array): JumbfSuperBox {
  const box = readBox(bytes, 0, bytes.length);
  if (box.type !== 'jumb') throw corrupt('not a JUMBF superbox', 0);
  if (box.end !== bytes.length) throw corrupt('trailing bytes after the superbox', box.end);
  return parseSuper(bytes, box, 0, { boxes: 0 });
}

/** The child superbox labelled `label`, or undefined; a second one is `c2pa.corrupt`. */
export function childByLabel(box: JumbfSuperBox, label: string): JumbfSuperBox | undefined {
  let found: JumbfSuperBox | undefined;
  for (const c of box.contents) {
    if (isSuperBox(c) && c.description.label === label) {
      if (found !== undefined) throw corrupt(`two boxes labelled ${label}`, c.start);
      found = c;
    }
  }
  return found;
}
