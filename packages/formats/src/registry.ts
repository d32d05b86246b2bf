/**
 * The handler registry. `formatHandlers` is the ONE list; every lookup is derived from it,
 * so adding a format means writing a handler and appending it here (see README.md).
 */
import { formatError } from './errors.js';
import type { FormatHandler } from './handler.js';
import { flacHandler } from './flac/handler.js';
import { gifHandler } from './gif/handler.js';
import { heifHandler } from './heif/handler.js';
import { jpegHandler } from './jpeg/handler.js';
import { markdownHandler } from './markdown/handler.js';
import { mp3Handler } from './mp3/handler.js';
import { mkvHandler } from './mkv/handler.js';
import { mp4Handler } from './mp4/handler.js';
import { oggHandler } from './ogg/handler.js';
import { ooxmlHandler } from './ooxml/handler.js';
import { pdfHandler } from './pdf/handler.js';
import { pngHandler } from './png/handler.js';
import { tiffHandler } from './tiff/handler.js';
import { wavHandler } from './wav/handler.js';
import { webpHandler } from './webp/handler.js';

export const formatHandlers: readonly FormatHandler[] = Object.freeze([
  jpegHandler,
  pngHandler,
  webpHandler,
  gifHandler,
  tiffHandler,
  // before mp4: HEIF brands in ftyp are ours, every other ftyp is MP4's
  heifHandler,
  mp4Handler,
  mkvHandler,
  wavHandler,
  flacHandler,
  oggHandler,
  pdfHandler,
  ooxmlHandler,
  // last: its sniff (ID3, or any MPEG frame header at offset 0) is the loosest
  mp3Handler,
  // after everything: Markdown has no magic bytes, only a front matter opening `---`
  markdownHandler,
]);

function indexBy(key: (h: FormatHandler) => readonly string[]): ReadonlyMap<string, FormatHandler> {
  const map = new Map<string, FormatHandler>();
  for (const h of formatHandlers) {
    for (const k of key(h)) {
      // Two handlers claiming one key is a programming error in this package.
      if (map.has(k)) throw new Error(`formats registry: duplicate key ${k}`);
      map.set(k, h);
    }
  }
  return map;
}

const byId = indexBy((h) => [h.id]);
const byExtension = indexBy((h) => h.extensions);
const byMediaType = indexBy((h) => [h.mediaType, ...(h.mediaTypeAliases ?? [])]);

/** What the caller knows about a file besides its bytes (an upload's Content-Type, a file name). */
export interface FormatHint {
  readonly mediaType?: string | undefined;
  readonly fileName?: string | undefined;
}

/**
 * The handler whose magic bytes match; failing that, a `magicless` handler (Markdown) named by
 * the hint's media type or file extension. Throws FormatError 'format.unsupported'.
 */
export function detectFormat(file: Uint8Array, hint: FormatHint = {}): FormatHandler {
  for (const h of formatHandlers) if (h.sniff(file)) return h;
  const byHint =
    (hint.mediaType === undefined ? undefined : handlerByMediaType(hint.mediaType)) ??
    (hint.fileName === undefined ? undefined : handlerByFileName(hint.fileName));
  if (byHint?.magicless === true) return byHint;
  throw formatError(
    'format.unsupported',
    `Unrecognised file format; supported formats: ${formatHandlers.map((h) => h.id).join(', ')}.`,
  );
}

/** The handler claiming a file name's extension ('notes.md' -> markdown). */
export function handlerByFileName(fileName: string): FormatHandler | undefined {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? undefined : handlerByExtension(base.slice(dot + 1));
}

export function handlerById(id: string): FormatHandler | undefined {
  return byId.get(id);
}

/** Accepts 'jpg', 'JPG' and '.jpg'. */
export function handlerByExtension(ext: string): FormatHandler | undefined {
  const key = ext.trim().toLowerCase();
  return byExtension.get(key.startsWith('.') ? key.slice(1) : key);
}

/** Accepts 'image/png' and 'Image/PNG; charset=binary' (parameters are ignored). */
export function handlerByMediaType(mediaType: string): FormatHandler | undefined {
  const semi = mediaType.indexOf(';');
  const essence = (semi < 0 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
  return byMediaType.get(essence);
}
