import { bytesEqual, utf8Encode } from '@synthguard/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMarkdown } from '../testing/markdown-fixtures.js';
import { catchFormatError } from '../testing/mutations.js';
import { readMarkdownAigc, writeMarkdownAigc } from './aigc.js';
import { MAX_FRONT_MATTER } from './front-matter.js';
import { markdownHandler } from './handler.js';

const md = (s: string): Uint8Array => utf8Encode(s);
const text = (b: Uint8Array): string => new TextDecoder('utf-8', { ignoreBOM: true }).decode(b);

describe('Markdown AIGC front matter', () => {
  it.each([
    ['LF', '# Title\n\nbody\n', "---\nAIGC: 'v'\n---\n# Title\n\nbody\n"],
    ['CRLF', '# Title\r\n', "---\r\nAIGC: 'v'\r\n---\r\n# Title\r\n"],
    ['BOM', '\ufeffbody', "\ufeff---\nAIGC: 'v'\n---\nbody"],
    ['empty file', '', "---\nAIGC: 'v'\n---\n"],
    ['a leading thematic break without line ending', '---', "---\nAIGC: 'v'\n---\n---"],
  ])('creates a front matter when absent (%s), and removal gives the file back', (_, input, labelled) => {
    const out = writeMarkdownAigc(md(input), 'v');
    expect(text(out)).toBe(labelled);
    expect(readMarkdownAigc(out)).toBe('v');
    expect(bytesEqual(writeMarkdownAigc(out, undefined), md(input))).toBe(true);
  });

  it('appends to an existing front matter, replaces in place and removes only its line', () => {
    const input = md('---\ntitle: x\nlist:\n  - a\n---\nbody\n');
    const out = writeMarkdownAigc(input, "it's");
    expect(text(out)).toBe("---\ntitle: x\nlist:\n  - a\nAIGC: 'it''s'\n---\nbody\n");
    expect(text(writeMarkdownAigc(out, 'w'))).toBe("---\ntitle: x\nlist:\n  - a\nAIGC: 'w'\n---\nbody\n");
    expect(bytesEqual(writeMarkdownAigc(out, undefined), input)).toBe(true);
  });

  it.each([
    ["AIGC: 'a ''q'' b' # note", "a 'q' b"],
    ['AIGC: "a \\"q\\" \\u4e2d\\x41\\n\\\\"', 'a "q" 中A\n\\'],
    ['AIGC: {"Label":"1"}  # plain', '{"Label":"1"}'],
    ['"AIGC" : plain text ', 'plain text'],
    ["'AIGC':\t'x'", 'x'],
    ['AIGC:', ''],
  ])('reads %s', (line, value) => {
    expect(readMarkdownAigc(md(`---\n${line}\n---\n`))).toBe(value);
  });

  it('ignores AIGC keys that are not top-level', () => {
    expect(readMarkdownAigc(md('---\nmeta:\n  AIGC: nested\nAIGCX: 1\n---\nAIGC: body\n'))).toBeUndefined();
  });

  it.each([
    ['a multi-line value', '---\nAIGC: first\n  second\n---\n', 'format.corrupt'],
    ['a block scalar', '---\nAIGC: |\n---\n', 'format.corrupt'],
    ['an unclosed quote', "---\nAIGC: 'open\n---\n", 'format.corrupt'],
    ['text after the closing quote', "---\nAIGC: 'a' b\n---\n", 'format.corrupt'],
    ['an unknown escape', '---\nAIGC: "\\q"\n---\n', 'format.corrupt'],
    ['two AIGC keys', '---\nAIGC: a\n"AIGC": b\n---\n', 'format.duplicate_metadata'],
    ['a front matter that never closes', '---\ntitle: x\n', 'format.truncated'],
    ['a NUL byte', '---\na: 1\n---\nx\0', 'format.corrupt'],
  ])('rejects %s', (_, input, code) => {
    expect(catchFormatError(() => readMarkdownAigc(md(input)))?.code).toBe(code);
    expect(catchFormatError(() => writeMarkdownAigc(md(input), 'v'))?.code).toBe(code);
  });

  it('rejects invalid UTF-8 and an oversized front matter', () => {
    expect(
      catchFormatError(() => readMarkdownAigc(Uint8Array.of(0x2d, 0x2d, 0x2d, 0x0a, 0xc3, 0x28)))?.code,
    ).toBe('format.corrupt');
    const big = md(`---\n${'a: 1\n'.repeat(MAX_FRONT_MATTER / 5 + 1)}---\n`);
    expect(catchFormatError(() => readMarkdownAigc(big))?.code).toBe('format.metadata_too_large');
  });

  it('writes values a single-quoted line cannot hold double-quoted, and reads them back (property)', () => {
    expect(text(writeMarkdownAigc(md(''), 'a\nb\t"c"\u0085'))).toContain('AIGC: "a\\x0ab\\x09\\"c\\"\\x85"');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (v) => {
        const out = writeMarkdownAigc(buildMarkdown({ frontMatter: ['t: 1'] }), v);
        expect(readMarkdownAigc(out)).toBe(v);
      }),
    );
  });

  it('documents the one lossy case: an empty front matter is dropped with its only entry', () => {
    const out = writeMarkdownAigc(md('---\n---\nbody'), 'v');
    expect(text(writeMarkdownAigc(out, undefined))).toBe('body');
  });

  it.each([
    ['---\n', true],
    ['---\r\n', true],
    ['\ufeff---\n', true],
    ['---', false],
    ['---\r', false],
    ['--- \n', false],
    ['# title\n', false],
    ['', false],
  ])('sniffs %j as %s', (head, expected) => {
    expect(markdownHandler.sniff(md(head))).toBe(expected);
  });
});
