/**
 * The AIGC field of an OOXML document (DOCX/XLSX/PPTX): the custom file property named `AIGC`
 * in the custom properties part (TC260 practice guide for GB 45438-2025; ECMA-376 Part 1 §22.3).
 * Reading and writing walk and check the whole archive first (see `openPackage`).
 */
import { readCustomAigc } from './custom-props.js';
import { editPackage } from './edit.js';
import { openPackage, partText } from './package.js';

export function readOoxmlAigc(file: Uint8Array): string | undefined {
  const pkg = openPackage(file);
  return pkg.custom === undefined ? undefined : readCustomAigc(partText(pkg.custom).text);
}

export function writeOoxmlAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  return editPackage(file, openPackage(file), value);
}

export function validateOoxml(file: Uint8Array): void {
  openPackage(file);
}
