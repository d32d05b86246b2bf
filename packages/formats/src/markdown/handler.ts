import type { FormatHandler } from '../handler.js';
import { readMarkdownAigc, validateMarkdown, writeMarkdownAigc } from './aigc.js';
import { opensFrontMatter } from './front-matter.js';

/**
 * Markdown (RFC 7763 `text/markdown`). There are no magic bytes: `sniff` only recognises a file
 * that opens a YAML front matter (`---` and a line ending, after an optional UTF-8 BOM); files
 * without one are found by extension or media type. The label goes in the front matter key
 * `AIGC` (TC260 guide).
 */
export const markdownHandler: FormatHandler = {
  id: 'markdown',
  mediaType: 'text/markdown',
  mediaTypeAliases: ['text/x-markdown'],
  extensions: ['md', 'markdown'],
  modality: 'text',
  magicless: true,
  sniff: opensFrontMatter,
  validate: validateMarkdown,
  aigc: { readAigc: readMarkdownAigc, writeAigc: writeMarkdownAigc },
};
