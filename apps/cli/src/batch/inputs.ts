/**
 * Turns command-line inputs into files: a file as it is, a directory walked recursively (files
 * with an extension a handler claims; hidden entries skipped), a glob (`*`, `?`, `**`) matched
 * under its literal prefix. Each file keeps the path relative to where it was found, so outputs
 * can mirror the input tree.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { handlerByExtension } from '@synthguard/formats';
import { CliError } from '../errors.js';

export interface InputFile {
  /** Path as given or found (for reports). */
  readonly path: string;
  /** Path relative to the directory or glob base it came from (for mirrored outputs). */
  readonly rel: string;
}

export const MAX_INPUT_FILES = 1_000_000;
const GLOB = /[*?[]/;

export function isGlob(arg: string): boolean {
  return GLOB.test(arg);
}

/** `**` any depth, `*` and `?` within one path segment, `[abc]` a class. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${pattern.slice(i + 1, end).replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new CliError('cli.file_unreadable', `Cannot read the directory ${dir}.`, {
      cause: err,
      details: { path: dir },
    });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) yield path;
  }
}

function extensionOf(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1);
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** Expands `args` in order, without duplicates. Throws cli.file_not_found for a missing literal path. */
export async function expandInputs(args: readonly string[]): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (path: string, rel: string): void => {
    const key = resolve(path);
    if (seen.has(key)) return;
    if (out.length >= MAX_INPUT_FILES) {
      throw new CliError(
        'cli.too_many_inputs',
        `More than ${String(MAX_INPUT_FILES)} input files; split the batch.`,
      );
    }
    seen.add(key);
    out.push({ path, rel });
  };
  for (const arg of args) {
    if (isGlob(arg)) {
      const parts = toPosix(arg).split('/');
      const firstGlob = parts.findIndex((p) => isGlob(p));
      const base = parts.slice(0, firstGlob).join('/') || '.';
      const matcher = globToRegExp(parts.slice(firstGlob).join('/'));
      const baseDir = parts[0] === '' && firstGlob === 1 ? '/' : base;
      try {
        if (!(await stat(baseDir)).isDirectory()) continue;
      } catch {
        continue; // a glob under a missing directory matches nothing
      }
      for await (const path of walk(baseDir)) {
        const rel = toPosix(relative(baseDir, path));
        if (matcher.test(rel)) add(path, rel);
      }
      continue;
    }
    let s;
    try {
      s = await stat(arg);
    } catch (err) {
      throw new CliError(
        'cli.file_not_found',
        `Cannot read ${arg}: no such file or directory. Check the path.`,
        {
          cause: err,
          details: { path: arg },
        },
      );
    }
    if (s.isDirectory()) {
      for await (const path of walk(arg)) {
        if (handlerByExtension(extensionOf(path)) !== undefined) add(path, toPosix(relative(arg, path)));
      }
    } else {
      add(arg, basename(arg));
    }
  }
  return out;
}
