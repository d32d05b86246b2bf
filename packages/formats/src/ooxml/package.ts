/**
 * An OOXML package (ECMA-376 Part 2, Open Packaging Conventions) as far as labelling needs it:
 * the ZIP archive, `[Content_Types].xml` (required, §10.1.2.1), the package relationships part
 * `_rels/.rels`, and the custom properties part, found through its package relationship or at
 * the conventional `docProps/custom.xml`.
 */
import { formatError } from '../errors.js';
import { customPropertiesTarget } from './relationships.js';
import { type ZipArchive, type ZipEntry, readZip } from './zip/archive.js';
import { entryData } from './zip/inflate.js';
import { type PartText, decodePart } from './xml/part-text.js';

export const CONTENT_TYPES_NAME = '[Content_Types].xml';
export const PACKAGE_RELS_NAME = '_rels/.rels';
export const DEFAULT_CUSTOM_NAME = 'docProps/custom.xml';
/** Largest XML part we inflate and edit. */
export const MAX_PART_SIZE = 16 * 1024 * 1024;

export interface OoxmlPackage {
  readonly archive: ZipArchive;
  readonly contentTypes: ZipEntry;
  readonly rels: ZipEntry | undefined;
  /** Entry name of the custom properties part (existing or to create). */
  readonly customName: string;
  readonly custom: ZipEntry | undefined;
}

export function partText(entry: ZipEntry): PartText {
  return decodePart(entryData(entry, MAX_PART_SIZE));
}

/** Walks the archive and finds the parts; throws FormatError. */
export function openPackage(file: Uint8Array): OoxmlPackage {
  const archive = readZip(file);
  const byName = new Map(archive.entries.map((e) => [e.central.name.toLowerCase(), e]));
  const contentTypes = byName.get(CONTENT_TYPES_NAME.toLowerCase());
  if (contentTypes === undefined) {
    throw formatError('format.corrupt', 'ZIP archive has no [Content_Types].xml: not an OOXML package.');
  }
  const rels = byName.get(PACKAGE_RELS_NAME.toLowerCase());
  const target = rels === undefined ? undefined : customPropertiesTarget(partText(rels).text);
  const customName = target ?? DEFAULT_CUSTOM_NAME;
  const key = customName.toLowerCase();
  if (key === CONTENT_TYPES_NAME.toLowerCase() || key === PACKAGE_RELS_NAME.toLowerCase()) {
    throw formatError('format.corrupt', 'The custom properties relationship points at a package part.');
  }
  const custom = byName.get(key);
  if (target !== undefined && custom === undefined) {
    throw formatError('format.corrupt', 'The custom properties relationship points at a missing part.');
  }
  if (
    target !== undefined &&
    key !== DEFAULT_CUSTOM_NAME.toLowerCase() &&
    byName.has(DEFAULT_CUSTOM_NAME.toLowerCase())
  ) {
    // A second, unregistered custom properties part is where a forged label would hide.
    throw formatError(
      'format.duplicate_metadata',
      'The package holds a second, unregistered custom properties part.',
    );
  }
  return { archive, contentTypes, rels, customName, custom };
}
