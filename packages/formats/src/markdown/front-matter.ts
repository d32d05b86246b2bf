/**
 * The YAML front matter of a Markdown file: a first line `---`, YAML lines, and a closing line
 * `---` (or YAML's document end `...`), the convention of Jekyll, Hugo and Pandoc
 * (`yaml_metadata_block`); the TC260 guide puts the label there as the key `AIGC`.
 *
 * The file must be UTF-8 (RFC 3629, checked in full) without NUL; a UTF-8 byte order mark before
 * the front matter is allowed and kept. Lines end in LF or CRLF. A first line `---` opens a front
 * matter, so a file whose front matter never closes is `format.truncated` (a Markdown file that
 * starts with a `---` thematic break and has no closing line is read as that; use `***`).
 * The front matter is capped at MAX_FRONT_MATTER bytes (`format.metadata_too_large`).
 */
import { formatError } from '../errors.js';

export const MAX_FRONT_MATTER = 1024 * 1024;

/** One line of the front matter: `[start, end)` is the text, `[end, next)` its line ending. */
export interface Line {
  readonly start: number;
  readonly end: number;
  readonly next: number;
}

export interface MarkdownLayout {
  /** Length of the byte order mark (0 or 3); the front matter starts here. */
  readonly bom: number;
  /** The file's line ending, from its first line ('\n' when it has none). */
  readonly eol: '\n' | '\r\n';
  readonly frontMatter:
    | {
        /** The YAML lines between the fences. */
        readonly lines: readonly Line[];
        /** Offset of the closing fence line, and of the first byte after it (its line ending included). */
        readonly closeStart: number;
        readonly end: number;
      }
    | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function checkText(file: Uint8Array): void {
  const nul = file.indexOf(0);
  if (nul >= 0) {
    throw formatError('format.corrupt', 'The Markdown file holds a NUL byte: it is not text.', {
      offset: nul,
    });
  }
  try {
    utf8.decode(file);
  } catch (cause) {
    throw formatError('format.corrupt', 'The Markdown file is not valid UTF-8.', {}, cause);
  }
}

/** The line starting at `at`: text up to LF or CRLF (a lone CR is part of the text). */
function lineAt(file: Uint8Array, at: number): Line {
  const lf = file.indexOf(0x0a, at);
  if (lf < 0) return { start: at, end: file.length, next: file.length };
  return { start: at, end: lf > at && file[lf - 1] === 0x0d ? lf - 1 : lf, next: lf + 1 };
}

function isFence(file: Uint8Array, l: Line, chars: readonly number[]): boolean {
  if (l.end - l.start !== 3) return false;
  return chars.some((c) => file[l.start] === c && file[l.start + 1] === c && file[l.start + 2] === c);
}

const DASH = 0x2d;
const DOT = 0x2e;

/** True when `head` starts (after an optional UTF-8 BOM) with `---` and a line ending. */
export function opensFrontMatter(head: Uint8Array): boolean {
  const at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  if (head[at] !== DASH || head[at + 1] !== DASH || head[at + 2] !== DASH) return false;
  return head[at + 3] === 0x0a || (head[at + 3] === 0x0d && head[at + 4] === 0x0a);
}

/** Checks the whole file and finds its front matter. Throws FormatError. */
export function walkMarkdown(file: Uint8Array): MarkdownLayout {
  checkText(file);
  const bom = file[0] === 0xef && file[1] === 0xbb && file[2] === 0xbf ? 3 : 0;
  const first = lineAt(file, bom);
  const eol = first.next - first.end === 2 ? '\r\n' : '\n';
  if (!opensFrontMatter(file)) return { bom, eol, frontMatter: undefined };
  const lines: Line[] = [];
  let at = first.next;
  for (;;) {
    if (at - bom > MAX_FRONT_MATTER) {
      throw formatError('format.metadata_too_large', 'The Markdown front matter is larger than we read.', {
        limit: MAX_FRONT_MATTER,
      });
    }
    if (at >= file.length) {
      throw formatError(
        'format.truncated',
        'The Markdown front matter never closes: add a line "---" after it.',
        {
          offset: bom,
        },
      );
    }
    const l = lineAt(file, at);
    if (isFence(file, l, [DASH, DOT]))
      return { bom, eol, frontMatter: { lines, closeStart: l.start, end: l.next } };
    lines.push(l);
    at = l.next;
  }
}
