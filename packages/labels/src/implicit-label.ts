import { type AigcLabel, decodeAigcLabel, encodeAigcLabel } from './aigc/label.js';
import { LabelError } from './errors.js';
import { readAigcFromXmp, removeAigcFromXmp, setAigcInXmp } from './xmp/packet.js';

/**
 * The one thing this package needs from a format handler: where the file keeps its XMP packet.
 * (A local interface so @synthguard/labels does not depend on @synthguard/formats.)
 */
export interface XmpSlot {
  /** The file's XMP packet, or undefined when it has none. */
  readXmp(file: Uint8Array): Uint8Array | undefined;
  /** The file with its XMP packet replaced (undefined: removed). */
  writeXmp(file: Uint8Array, packet: Uint8Array | undefined): Uint8Array;
}

export interface ImplicitLabel {
  label: AigcLabel;
  /** The AIGC property value as stored. */
  raw: string;
  form: 'bare' | 'wrapped';
  problems: string[];
}

/** GB 45438-2025 §5.2 / Annex E: reads the implicit label from the file's XMP, if any. */
export function readImplicitLabel(slot: XmpSlot, file: Uint8Array): ImplicitLabel | undefined {
  const packet = slot.readXmp(file);
  if (packet === undefined) return undefined;
  const raw = readAigcFromXmp(packet);
  if (raw === undefined) return undefined;
  return { ...decodeAigcLabel(raw), raw };
}

/**
 * Writes (or replaces) the implicit label: exactly one label afterwards, merged into the
 * file's existing XMP. Verifies through the slot that the file reads back with this label.
 */
export function writeImplicitLabel(slot: XmpSlot, file: Uint8Array, label: AigcLabel): Uint8Array {
  const value = encodeAigcLabel(label);
  const out = slot.writeXmp(file, setAigcInXmp(slot.readXmp(file), value));
  if (readImplicitLabel(slot, out)?.raw !== value) {
    throw new LabelError('label.invalid_xmp', 'The file did not keep the label that was written.', {
      details: { problem: 'write_not_persisted' },
    });
  }
  return out;
}

/**
 * Removes the implicit label (internal: tests and re-signing; GB 45438-2025 forbids removing
 * labels from published content, so this is not exported to users of the apps). Returns `file`
 * itself when it holds no label.
 */
export function removeImplicitLabel(slot: XmpSlot, file: Uint8Array): Uint8Array {
  const packet = slot.readXmp(file);
  if (packet === undefined) return file;
  const next = removeAigcFromXmp(packet);
  return next === packet ? file : slot.writeXmp(file, next);
}
