import { type AigcLabel, decodeAigcLabel, encodeAigcLabel } from './aigc/label.js';
import { LabelError } from './errors.js';
import { readAigcFromXmp, removeAigcFromXmp, setAigcInXmp } from './xmp/packet.js';

/** Where a file keeps its XMP packet (a format handler's `xmp` capability). */
export interface XmpSlot {
  /** The file's XMP packet, or undefined when it has none. */
  readXmp(file: Uint8Array): Uint8Array | undefined;
  /** The file with its XMP packet replaced (undefined: removed). */
  writeXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array;
}

/** Where a file keeps a native field named AIGC (a format handler's `aigc` capability). */
export interface AigcFieldSlot {
  readAigc(file: Uint8Array): string | undefined;
  writeAigc(file: Uint8Array, value: string | undefined): Uint8Array;
}

/**
 * What this package needs from a format handler: a native AIGC field (audio, video,
 * documents: the TC260 guides' place) or else an XMP packet (images). A `FormatHandler` of
 * @synthguard/formats is one.
 */
export interface LabelCarrier {
  readonly xmp?: XmpSlot | undefined;
  readonly aigc?: AigcFieldSlot | undefined;
}

export interface ImplicitLabel {
  label: AigcLabel;
  /** The AIGC value as stored. */
  raw: string;
  form: 'bare' | 'wrapped';
  problems: string[];
}

/** True when the carrier has a place for the implicit label. */
export function canCarryLabel(carrier: LabelCarrier): boolean {
  return carrier.aigc !== undefined || carrier.xmp !== undefined;
}

function readRaw(carrier: LabelCarrier, file: Uint8Array): string | undefined {
  if (carrier.aigc !== undefined) return carrier.aigc.readAigc(file);
  if (carrier.xmp === undefined) return undefined;
  const packet = carrier.xmp.readXmp(file);
  return packet === undefined ? undefined : readAigcFromXmp(packet);
}

/** GB 45438-2025 §5.2 / Annex E: reads the implicit label from the file, if any. */
export function readImplicitLabel(carrier: LabelCarrier, file: Uint8Array): ImplicitLabel | undefined {
  const raw = readRaw(carrier, file);
  if (raw === undefined) return undefined;
  return { ...decodeAigcLabel(raw), raw };
}

/**
 * Writes (or replaces) the implicit label: exactly one label afterwards (merged into the
 * file's existing XMP where XMP is the place). Verifies through the carrier that the file
 * reads back with this label.
 */
export function writeImplicitLabel(carrier: LabelCarrier, file: Uint8Array, label: AigcLabel): Uint8Array {
  const value = encodeAigcLabel(label);
  let out: Uint8Array;
  if (carrier.aigc !== undefined) out = carrier.aigc.writeAigc(file, value);
  else if (carrier.xmp !== undefined)
    out = carrier.xmp.writeXmp(file, setAigcInXmp(carrier.xmp.readXmp(file), value));
  else throw new LabelError('label.no_slot', 'This format has no place for an implicit label.');
  if (readImplicitLabel(carrier, out)?.raw !== value) {
    throw new LabelError('label.invalid_xmp', 'The file did not keep the label that was written.', {
      details: { problem: 'write_not_persisted' },
    });
  }
  return out;
}

/**
 * Removes the implicit label (internal: tests and re-signing; GB 45438-2025 forbids removing
 * labels from published content, so this is not exposed to users of the apps). Returns `file`
 * itself when it holds no label.
 */
export function removeImplicitLabel(carrier: LabelCarrier, file: Uint8Array): Uint8Array {
  if (carrier.aigc !== undefined) {
    return carrier.aigc.readAigc(file) === undefined ? file : carrier.aigc.writeAigc(file, undefined);
  }
  if (carrier.xmp === undefined) return file;
  const packet = carrier.xmp.readXmp(file);
  if (packet === undefined) return file;
  const next = removeAigcFromXmp(packet);
  return next === packet ? file : carrier.xmp.writeXmp(file, next);
}
