/**
 * The movie header (`moov`, ISO/IEC 14496-12 §8.2.1), parsed in memory from one read. What the
 * AIGC carrier needs of it: every track's chunk offset table (trak/mdia/minf/stbl/stco|co64,
 * §8.3 - §8.7.5), whether sample auxiliary information offsets (`saio`, §8.7.9, absolute in a
 * non-fragmented file) or movie extends (`mvex`, §8.8.1) are present, the user data box `udta`
 * (§8.10.1) with its `meta` boxes, and QuickTime's movie-level `meta` (QTFF "Metadata atom").
 * Every container on those paths must tile its payload exactly.
 */
import { formatError } from '../errors.js';
import { type BoxHeader, readBoxHeader, readNestedChildren, u32 } from '../isobmff/boxes.js';
import { type BoxWindow, readWindow } from '../isobmff/window.js';
import type { ByteSource } from '../source.js';
import { type CheckedChunkTable, checkChunkTable, parseChunkTable } from './chunks.js';
import { type MetaBox, parseMeta } from './meta.js';

/** Largest moov read into memory (a two-hour movie's is a few MB). */
export const MAX_MOOV_SIZE = 256 * 1024 * 1024;

export interface Udta {
  readonly box: BoxHeader;
  readonly children: readonly BoxHeader[];
  /** Where the children end: before QuickTime's optional 32-bit zero terminator, else box.end. */
  readonly contentEnd: number;
  readonly metas: readonly MetaBox[];
}

export interface Moov {
  readonly win: BoxWindow;
  readonly box: BoxHeader;
  readonly tables: readonly CheckedChunkTable[];
  /** True when some track has `saio` (absolute offsets we do not patch). */
  readonly hasSaio: boolean;
  /** True when `mvex` announces movie fragments. */
  readonly fragmented: boolean;
  readonly udta: Udta | undefined;
  /** QuickTime movie-level metas (moov/meta). */
  readonly metas: readonly MetaBox[];
}

function children(win: BoxWindow, box: BoxHeader): BoxHeader[] {
  return readNestedChildren(win, box.start + box.headerSize, box.end);
}

function single(list: readonly BoxHeader[], type: string, parent: BoxHeader): BoxHeader | undefined {
  const found = list.filter((b) => b.type === type);
  if (found.length > 1) {
    throw formatError('format.corrupt', `'${parent.type}' holds more than one '${type}'.`, {
      offset: parent.start,
    });
  }
  return found[0];
}

/** stbl's chunk offset table and whether it has `saio`; none for a track without media. */
function parseTrak(
  win: BoxWindow,
  moov: BoxHeader,
  trak: BoxHeader,
  fileSize: number,
): { table?: CheckedChunkTable; saio: boolean } {
  const path: BoxHeader[] = [moov, trak];
  let box: BoxHeader = trak;
  for (const type of ['mdia', 'minf', 'stbl']) {
    const next = single(children(win, box), type, box);
    if (next === undefined) return { saio: false };
    path.push(next);
    box = next;
  }
  const stbl = children(win, box);
  const tables = stbl.filter((b) => b.type === 'stco' || b.type === 'co64');
  if (tables.length > 1) {
    throw formatError('format.corrupt', 'A sample table holds more than one chunk offset table.', {
      offset: box.start,
    });
  }
  const saio = stbl.some((b) => b.type === 'saio');
  const t = tables[0];
  if (t === undefined) return { saio };
  const table = parseChunkTable(win, t, path);
  return { table: { ...table, maxAfterMoov: checkChunkTable(win, table, moov, fileSize) }, saio };
}

function parseUdta(win: BoxWindow, box: BoxHeader): Udta {
  const list: BoxHeader[] = [];
  let at = box.start + box.headerSize;
  let contentEnd = box.end;
  while (at < box.end) {
    // QTFF "User data atoms": the list may end with a 32-bit integer set to 0.
    if (box.end - at === 4 && u32(win.read(at, 4), 0) === 0) {
      contentEnd = at;
      break;
    }
    const child = readBoxHeader(win, at, box.end);
    if (child.toEnd) throw formatError('format.corrupt', 'A udta atom has size 0.', { offset: at });
    list.push(child);
    at = child.end;
  }
  const metas = list.filter((c) => c.type === 'meta').map((m) => parseMeta(win, m));
  return { box, children: list, contentEnd, metas };
}

/** Reads and parses the moov; checks every chunk offset against the file. */
export function parseMoov(src: ByteSource, moov: BoxHeader): Moov {
  if (moov.end - moov.start > MAX_MOOV_SIZE) {
    throw formatError('format.unsupported', 'The moov box is larger than this labeler reads (256 MiB).', {
      size: moov.end - moov.start,
      limit: MAX_MOOV_SIZE,
    });
  }
  const win = readWindow(src, moov.start, moov.end);
  const tables: CheckedChunkTable[] = [];
  let hasSaio = false;
  let udta: Udta | undefined;
  const metas: MetaBox[] = [];
  const list = children(win, moov);
  for (const box of list) {
    if (box.type === 'trak') {
      const t = parseTrak(win, moov, box, src.size);
      if (t.table !== undefined) tables.push(t.table);
      hasSaio ||= t.saio;
    } else if (box.type === 'meta') {
      metas.push(parseMeta(win, box));
    }
  }
  const udtaBox = single(list, 'udta', moov);
  if (udtaBox !== undefined) udta = parseUdta(win, udtaBox);
  return { win, box: moov, tables, hasSaio, fragmented: list.some((b) => b.type === 'mvex'), udta, metas };
}
