/**
 * The AIGC field of a Markdown file: the top-level key `AIGC` of its YAML front matter (TC260
 * practice guide for GB 45438-2025). Edits are line splices: an existing entry line is replaced,
 * a new one is appended as the last front matter line, and a front matter is created at the very
 * start (after a BOM) when the file has none. Removal deletes the entry line, and the whole front
 * matter when that line was its only line (so labelling and unlabelling a file without front
 * matter gives back its exact bytes). Every other byte is kept.
 *
 * An entry whose value continues on indented lines (a multi-line scalar or a nested mapping)
 * is `format.corrupt`: it cannot be replaced as one line.
 */
import { utf8Decode, utf8Encode } from '@synthguard/core';
import { formatError } from '../errors.js';
import { type Line, type MarkdownLayout, walkMarkdown } from './front-matter.js';
import { aigcEntryValue, formatEntry, parseScalar } from './yaml-scalar.js';

interface Entry {
  readonly line: Line;
  readonly value: string;
}

function findEntry(file: Uint8Array, layout: MarkdownLayout): Entry | undefined {
  const lines = layout.frontMatter?.lines ?? [];
  let found: Entry | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // Only column-0 lines can be top-level keys; the key is ASCII, so test the first byte cheaply.
    const b = file[line.start];
    if (b !== 0x41 && b !== 0x22 && b !== 0x27) continue;
    const text = utf8Decode(file.subarray(line.start, line.end));
    const rest = aigcEntryValue(text);
    if (rest === undefined) continue;
    if (found !== undefined) {
      throw formatError(
        'format.duplicate_metadata',
        'The Markdown front matter holds more than one AIGC key; remove the extra one before labelling.',
        { first: found.line.start, second: line.start },
      );
    }
    const next = lines[i + 1];
    if (
      next !== undefined &&
      (file[next.start] === 0x20 || file[next.start] === 0x09) &&
      next.end > next.start
    ) {
      throw formatError(
        'format.corrupt',
        'The AIGC front matter value spans several lines; write it on one line.',
        {
          offset: line.start,
        },
      );
    }
    found = { line, value: parseScalar(rest) };
  }
  return found;
}

export function readMarkdownAigc(file: Uint8Array): string | undefined {
  return findEntry(file, walkMarkdown(file))?.value;
}

function splice(file: Uint8Array, start: number, end: number, insert: string): Uint8Array {
  const bytes = utf8Encode(insert);
  const out = new Uint8Array(file.length - (end - start) + bytes.length);
  out.set(file.subarray(0, start));
  out.set(bytes, start);
  out.set(file.subarray(end), start + bytes.length);
  return out;
}

export function writeMarkdownAigc(file: Uint8Array, value: string | undefined): Uint8Array {
  const layout = walkMarkdown(file);
  const entry = findEntry(file, layout);
  const fm = layout.frontMatter;
  if (value === undefined) {
    if (entry === undefined || fm === undefined) return file.slice();
    // The entry was the only line: drop the whole front matter (fences included).
    if (fm.lines.length === 1) return splice(file, layout.bom, fm.end, '');
    return splice(file, entry.line.start, entry.line.next, '');
  }
  const line = formatEntry(value);
  if (entry !== undefined) return splice(file, entry.line.start, entry.line.end, line);
  if (fm !== undefined) return splice(file, fm.closeStart, fm.closeStart, `${line}${layout.eol}`);
  const eol = layout.eol;
  return splice(file, layout.bom, layout.bom, `---${eol}${line}${eol}---${eol}`);
}

export function validateMarkdown(file: Uint8Array): void {
  walkMarkdown(file);
}
