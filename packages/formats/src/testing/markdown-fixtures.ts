/**
 * Test-only Markdown fixtures: front matters with other keys (lists, nested mappings, comments),
 * LF and CRLF line endings, a BOM, the `...` closing fence, an existing AIGC entry; plus the
 * probes (body, other front matter lines), the duplicate-key forger and each fixture's valid
 * cuts for runAigcFieldConformance. Structure is found here with regular expressions, not with
 * the handler's own walker.
 */
import { utf8Encode } from '@synthguard/core';
import type { AigcConformanceFixture, AigcConformanceOptions } from './aigc-conformance.js';
import { buildAigcValue } from './aigc-conformance.js';

export interface MarkdownOptions {
  /** Front matter lines (without line endings); undefined: no front matter. */
  readonly frontMatter?: readonly string[];
  readonly body?: string;
  readonly eol?: '\n' | '\r\n';
  readonly bom?: boolean;
  /** Closing fence: YAML's document end `...` instead of `---`. */
  readonly dotsClose?: boolean;
}

export const MARKDOWN_BODY =
  '# 生成的文章\n\nSome *text* — with a rule below.\n\n---\n\nAIGC: not a key here\n';

export function buildMarkdown(o: MarkdownOptions = {}): Uint8Array {
  const eol = o.eol ?? '\n';
  const body = (o.body ?? MARKDOWN_BODY).replace(/\n/g, eol);
  const fm =
    o.frontMatter === undefined
      ? ''
      : `---${eol}${o.frontMatter.map((l) => `${l}${eol}`).join('')}${o.dotsClose === true ? '...' : '---'}${eol}`;
  return utf8Encode(`${o.bom === true ? '\ufeff' : ''}${fm}${body}`);
}

const FRONT = /^(\ufeff?)---\r?\n([\s\S]*?)(?:---|\.\.\.)(?:\r?\n|$)/;

/** Front matter lines and body of a file, found by a regular expression. */
function split(file: Uint8Array): { lines: string[]; body: string; fmEnd: number; bom: number } {
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(file);
  const m = FRONT.exec(text);
  if (m === null)
    return { lines: [], body: text.replace(/^\ufeff/, ''), fmEnd: 0, bom: text.startsWith('\ufeff') ? 3 : 0 };
  const lines = m[2]!.split(/\r?\n/).slice(0, -1);
  return {
    lines,
    body: text.slice(m[0].length),
    fmEnd: utf8Encode(m[0]).length,
    bom: m[1]!.length === 1 ? 3 : 0,
  };
}

/**
 * Cuts that leave a valid Markdown file: an empty file, a cut before the opening line ends (no
 * front matter then), just before the closing fence's line ending, and any character boundary
 * in the body.
 */
function validCuts(file: Uint8Array): number[] {
  const { fmEnd, bom } = split(file);
  const cuts: number[] = [0];
  for (let k = bom; k <= bom + 3; k++) cuts.push(k);
  // "---\r" at the end does not open a front matter either.
  if (file[bom + 3] === 0x0d) cuts.push(bom + 4);
  const closeEol = file[fmEnd - 2] === 0x0d ? 2 : 1;
  cuts.push(fmEnd - closeEol);
  for (let k = fmEnd; k < file.length; k++) if ((file[k]! & 0xc0) !== 0x80) cuts.push(k);
  return [...new Set(cuts)].filter((k) => k < file.length);
}

export async function buildMarkdownFixtures(): Promise<AigcConformanceFixture[]> {
  const aigc = buildAigcValue();
  const quoted = `'${aigc.replace(/'/g, "''")}'`;
  const other = [
    'title: "生成的文章"',
    'tags:',
    '  - ai',
    '  - 测试',
    'author:',
    '  name: gen # a comment',
    'draft: false',
  ];
  const fixtures: [string, MarkdownOptions, string | undefined][] = [
    ['front matter with other keys, LF', { frontMatter: other }, undefined],
    [
      'front matter with other keys and AIGC, CRLF',
      { frontMatter: [...other, `AIGC: ${quoted}`], eol: '\r\n' },
      aigc,
    ],
    [
      'BOM, "..." closing fence, no AIGC',
      { frontMatter: ['title: x'], bom: true, dotsClose: true },
      undefined,
    ],
    [
      'AIGC as the only key (double-quoted), first line',
      { frontMatter: [`AIGC: ${JSON.stringify(aigc)}`] },
      aigc,
    ],
    ['empty body, CRLF', { frontMatter: ['a: 1', '# comment'], body: '', eol: '\r\n' }, undefined],
  ];
  return Promise.resolve(
    fixtures.map(([name, o, value]) => {
      const bytes = buildMarkdown(o);
      return { name, bytes, aigc: value, validCuts: validCuts(bytes) };
    }),
  );
}

export const markdownProbes: Pick<AigcConformanceOptions, 'addSecondField' | 'decode' | 'preserved'> = {
  /** A second `AIGC:` line appended at the end of the front matter. */
  addSecondField: (file, value) => {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(file);
    const m = FRONT.exec(text)!;
    const closeAt = m[0].length - /(?:---|\.\.\.)(?:\r?\n|$)$/.exec(m[0])![0].length;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    return utf8Encode(
      `${text.slice(0, closeAt)}AIGC: '${value.replace(/'/g, "''")}'${eol}${text.slice(closeAt)}`,
    );
  },
  /** The Markdown body after the front matter. */
  decode: (file) => Promise.resolve(split(file).body),
  /** Every front matter line except the AIGC entry. */
  preserved: (file) => Promise.resolve(split(file).lines.filter((l) => !/^['"]?AIGC['"]?\s*:/.test(l))),
};
