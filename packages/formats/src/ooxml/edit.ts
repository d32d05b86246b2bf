/**
 * Setting or removing the AIGC custom property in a package, reversibly.
 *
 * An edit touches at most three parts: the custom properties part (created when absent),
 * `[Content_Types].xml` (an Override registering it) and `_rels/.rels` (a relationship to it).
 * Every other entry is copied byte for byte. The result is a function of the package's
 * *original* state and the new value only: the original of each re-encoded part is recovered
 * from its stash (stash.ts) when the stash is consistent with the current content, i.e. when the
 * current parts are exactly what labelling the original with the current value gives. Then:
 *
 * - a part whose new text equals its original text is written as the original entry, verbatim;
 *   so removing a label we added gives back the original file, byte for byte;
 * - any other part is re-encoded (deflate, deterministic) and carries the original in its stash;
 *   so relabelling and then restoring a value gives back the same bytes.
 *
 * Re-encoded entries keep the original's name, time stamps, attributes, comment and extra fields
 * (except ZIP64 and stash fields, rewritten as needed); a created part is appended last.
 */
import { FormatError, formatError } from '../errors.js';
import { ensureCustomOverride, hasOverride } from './content-types.js';
import { NEW_CUSTOM_PROPERTIES_PART, readCustomAigc, setCustomAigc } from './custom-props.js';
import { type OoxmlPackage, partText } from './package.js';
import { customPropertiesTarget, ensureCustomRelationship } from './relationships.js';
import { decodeStash, encodeStash, STASH_EXTRA_ID } from './stash.js';
import { type PartText, encodePart } from './xml/part-text.js';
import type { ZipEntry } from './zip/archive.js';
import { u16, u32 } from './zip/le.js';
import { EXTRA_ZIP64, FLAG_UTF8, parseExtraFields } from './zip/records.js';
import { type ZipPiece, assembleZip, encodeEntry, endOf, pieceOf } from './zip/write.js';

type PartKey = 'contentTypes' | 'rels' | 'custom';
const KEYS: readonly PartKey[] = ['contentTypes', 'rels', 'custom'];

interface Part {
  readonly entry: ZipEntry | undefined;
  readonly text: PartText | undefined;
}
type PackageState = Readonly<Record<PartKey, Part>>;
type Texts = Readonly<Record<PartKey, PartText | undefined>>;

function part(entry: ZipEntry | undefined): Part {
  return { entry, text: entry === undefined ? undefined : partText(entry) };
}

function sameText(a: PartText | undefined, b: PartText | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.bom === b.bom && a.text === b.text;
}

/**
 * The three parts' texts after labelling the package in `state` with `value`. While a custom
 * properties part exists it stays registered (Override and relationship).
 */
function labelled(state: PackageState, customName: string, value: string | undefined): Texts {
  const { contentTypes, rels, custom } = state;
  if (value === undefined && custom.text === undefined) {
    return { contentTypes: contentTypes.text, rels: rels.text, custom: undefined };
  }
  if (contentTypes.text === undefined || rels.text === undefined) {
    throw formatError(
      'format.corrupt',
      'The package has no _rels/.rels, so a custom properties part cannot be registered.',
    );
  }
  const base = custom.text ?? { bom: false, text: NEW_CUSTOM_PROPERTIES_PART };
  return {
    contentTypes: {
      bom: contentTypes.text.bom,
      text: ensureCustomOverride(contentTypes.text.text, `/${customName}`),
    },
    rels: { bom: rels.text.bom, text: ensureCustomRelationship(rels.text.text, customName) },
    custom: { bom: base.bom, text: setCustomAigc(base.text, value) },
  };
}

/** True when the parts register no custom properties part (what a part we created requires). */
function registersNoCustomPart(state: PackageState, customName: string): boolean {
  const { contentTypes, rels } = state;
  return (
    (rels.text === undefined || customPropertiesTarget(rels.text.text) === undefined) &&
    (contentTypes.text === undefined || !hasOverride(contentTypes.text.text, `/${customName}`))
  );
}

/** The package before our edits, when every stash agrees with the current content; else undefined. */
function originalState(current: PackageState, customName: string): PackageState | undefined {
  let stashed = false;
  const original = {} as Record<PartKey, Part>;
  try {
    for (const key of KEYS) {
      const entry = current[key].entry;
      const stash = entry === undefined ? undefined : decodeStash(entry);
      stashed ||= stash !== undefined;
      original[key] =
        stash === undefined ? current[key] : stash.kind === 'created' ? part(undefined) : part(stash.entry);
    }
    if (!stashed) return undefined;
    if (original.custom.entry === undefined && !registersNoCustomPart(original, customName)) return undefined;
    const currentValue = current.custom.text && readCustomAigc(current.custom.text.text);
    const expected = labelled(original, customName, currentValue);
    return KEYS.every((k) => sameText(expected[k], current[k].text)) ? original : undefined;
  } catch (err) {
    // A stash whose content does not parse is stale: the current parts are the original.
    if (err instanceof FormatError) return undefined;
    throw err;
  }
}

/** Extra fields of `[start, end)` without ZIP64 (rewritten as needed) and stash fields. */
function keptExtras(src: Uint8Array, start: number, end: number): Uint8Array {
  const kept: Uint8Array[] = [];
  for (const f of parseExtraFields(src, start, end)) {
    if (f.id !== EXTRA_ZIP64 && f.id !== STASH_EXTRA_ID) kept.push(src.subarray(f.start - 4, f.end));
  }
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

/**
 * A re-encoded part, modelled on its `original` entry (name, time stamps, attributes, comment and
 * extra fields) and carrying it in a stash; a created part (`original` undefined) takes its time
 * stamps from `timeFrom`.
 */
function encodeEditedPart(
  name: string,
  text: PartText,
  original: ZipEntry | undefined,
  timeFrom: ZipEntry,
): ZipPiece {
  const t = original ?? timeFrom;
  const c = t.central;
  const localExtra =
    original === undefined ? new Uint8Array(0) : keptExtras(t.src, t.local.extraStart, t.local.extraEnd);
  const stash = encodeStash(original, 0xffff - localExtra.length);
  const withStash = new Uint8Array(localExtra.length + (stash?.length ?? 0));
  withStash.set(localExtra);
  if (stash !== undefined) withStash.set(stash, localExtra.length);
  return encodeEntry({
    name: original === undefined ? name : c.nameBytes,
    data: encodePart(text),
    method: 8,
    time: u16(t.src, t.local.start + 10, 'local header'),
    date: u16(t.src, t.local.start + 12, 'local header'),
    flags: original === undefined ? 0 : c.flags & FLAG_UTF8,
    versionMadeBy: original === undefined ? 20 : u16(t.src, c.start + 4, 'central header'),
    localExtra: withStash,
    centralExtra: original === undefined ? new Uint8Array(0) : keptExtras(t.src, c.extraStart, c.extraEnd),
    comment: original === undefined ? new Uint8Array(0) : t.src.subarray(c.extraEnd, c.end),
    internalAttributes: original === undefined ? 0 : u16(t.src, c.start + 36, 'central header'),
    externalAttributes: original === undefined ? 0 : u32(t.src, c.start + 38, 'central header'),
  });
}

/** The package `file` (opened as `pkg`) with the AIGC property set to `value` (undefined removes it). */
export function editPackage(file: Uint8Array, pkg: OoxmlPackage, value: string | undefined): Uint8Array {
  const current: PackageState = {
    contentTypes: part(pkg.contentTypes),
    rels: part(pkg.rels),
    custom: part(pkg.custom),
  };
  // Removing a label from a package that has none changes nothing.
  if (
    value === undefined &&
    (current.custom.text === undefined || readCustomAigc(current.custom.text.text) === undefined)
  ) {
    return file.slice();
  }
  const original = originalState(current, pkg.customName) ?? current;
  const target = labelled(original, pkg.customName, value);

  const pieces = new Map<ZipEntry, ZipPiece | undefined>(pkg.archive.entries.map((e) => [e, pieceOf(e)]));
  let appended: ZipPiece | undefined;
  for (const key of KEYS) {
    const text = target[key];
    const cur = current[key];
    const orig = original[key];
    let piece: ZipPiece | undefined;
    if (text === undefined) piece = undefined;
    else if (cur.entry !== undefined && sameText(text, cur.text)) piece = pieceOf(cur.entry);
    else if (orig.entry !== undefined && sameText(text, orig.text)) piece = pieceOf(orig.entry);
    else piece = encodeEditedPart(pkg.customName, text, orig.entry, pkg.contentTypes);
    // A part is replaced where it stands; only a created custom properties part is appended.
    if (cur.entry !== undefined) pieces.set(cur.entry, piece);
    else if (key === 'custom') appended = piece;
  }

  const inFileOrder = [...pkg.archive.entries].sort((a, b) => a.local.start - b.local.start);
  const locals = inFileOrder.map((e) => pieces.get(e)).filter((p) => p !== undefined);
  const centrals = pkg.archive.entries.map((e) => pieces.get(e)).filter((p) => p !== undefined);
  if (appended !== undefined) {
    locals.push(appended);
    centrals.push(appended);
  }
  return assembleZip(locals, centrals, endOf(file, pkg.archive));
}
