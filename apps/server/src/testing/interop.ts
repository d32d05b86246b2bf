/**
 * Shared pieces of the interop tests (`*.interop.test.ts`): which Debian tools a test file needs,
 * its app and temporary directory, labeling a file through `POST /v1/labels`, and reading a file
 * back the way the external tools see it (exiftool tags, ffprobe tags, ffmpeg's decoded MD5s),
 * with the checks every test makes on what they show.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectContent } from '@synthguard/engine';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { type TestApp, bearer, buildTestApp } from './build.js';

/**
 * GB 45438-2025 Annex E: the seven keys of the AIGC value, in this order. Written out here,
 * independently of the product's own constant, so the interop tests check the standard.
 */
export const GB45438_KEYS = [
  'Label',
  'ContentProducer',
  'ProduceID',
  'ReservedCode1',
  'ContentPropagator',
  'PropagateID',
  'ReservedCode2',
] as const;

/**
 * The version line of a Debian tool an interop test needs, or undefined when it is missing.
 * With SYNTHGUARD_REQUIRE_INTEROP=1 (CI) a missing tool fails the test file; otherwise the
 * file is skipped with a visible notice that says how to install the tool.
 */
export function requireInteropTool(
  command: string,
  versionArgs: readonly string[],
  debianPackage: string,
  testFile: string,
): string | undefined {
  try {
    return execFileSync(command, versionArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]!
      .trim();
  } catch {
    if (process.env.SYNTHGUARD_REQUIRE_INTEROP === '1') {
      throw new Error(
        `${command} is required (SYNTHGUARD_REQUIRE_INTEROP=1): apt-get install ${debianPackage}`,
      );
    }
    console.warn(`${command} not installed: skipping ${testFile}; apt-get install ${debianPackage}`);
    return undefined;
  }
}

/** A Debian tool an interop test runs: its command, the arguments that print its version, its package. */
export interface InteropTool {
  readonly command: string;
  readonly versionArgs: readonly string[];
  readonly debianPackage: string;
}

export const EXIFTOOL: InteropTool = {
  command: 'exiftool',
  versionArgs: ['-ver'],
  debianPackage: 'libimage-exiftool-perl',
};
export const FFMPEG: InteropTool = { command: 'ffmpeg', versionArgs: ['-version'], debianPackage: 'ffmpeg' };
export const FFPROBE: InteropTool = {
  command: 'ffprobe',
  versionArgs: ['-version'],
  debianPackage: 'ffmpeg',
};

/**
 * Whether every one of `tools` is installed, checked in order with `requireInteropTool` (so with
 * SYNTHGUARD_REQUIRE_INTEROP=1 the first missing one fails `testFile`).
 */
export function interopToolsPresent(testFile: string, ...tools: readonly InteropTool[]): boolean {
  return tools.every(
    (tool) => requireInteropTool(tool.command, tool.versionArgs, tool.debianPackage, testFile) !== undefined,
  );
}

export interface InteropWorkspace {
  /** Temporary directory for inputs and outputs, removed after the file's tests. */
  readonly dir: string;
  /** The labeling app (in-memory store, a tenant, an operator key); set once `beforeAll` ran. */
  app(): TestApp;
}

/** Registers the app and temporary directory an interop test file needs, when `enabled`. */
export function useInteropWorkspace(
  prefix: string,
  enabled: boolean,
  maxUploadBytes: number,
): InteropWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let t: TestApp | undefined;
  beforeAll(async () => {
    if (enabled) t = await buildTestApp({ maxUploadBytes });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    app: () => {
      if (t === undefined) throw new Error('interop workspace: the app is not built (tool missing?)');
      return t;
    },
  };
}

/**
 * A one-line XMP packet as image generators embed it: a `dc:title` (生成的图片) and an
 * `xmp:CreatorTool`, so that "exiftool shows every XMP tag it saw before" is not trivially true.
 */
export const TITLE_XMP = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"><dc:title><rdf:Alt><rdf:li xml:lang="x-default">生成的图片</rdf:li></rdf:Alt></dc:title><xmp:CreatorTool>test-generator 1.0</xmp:CreatorTool></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

/** Posts `bytes` to `POST /v1/labels` as the tenant's operator and returns the response as it is. */
export async function postLabel(
  t: TestApp,
  bytes: Uint8Array,
  mediaType = 'application/octet-stream',
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/v1/labels',
    headers: { ...bearer(t.operator), 'content-type': mediaType },
    payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
  });
}

/** A file `POST /v1/labels` labeled. */
export interface LabeledThroughApi {
  /** The labeled file: the response body. */
  readonly file: Buffer;
  /** The label's ProduceID, from the `SynthGuard-Produce-ID` response header. */
  readonly produceId: string;
}

/**
 * Labels `bytes` through `POST /v1/labels` (sent as `mediaType`, by default as bare bytes whose
 * format the server sniffs) and expects 201 Created and, when `format` is given, that
 * format's id in the `SynthGuard-Format` header.
 */
export async function labelThroughApi(
  t: TestApp,
  bytes: Uint8Array,
  opts: { readonly format?: string; readonly mediaType?: string } = {},
): Promise<LabeledThroughApi> {
  const res = await postLabel(t, bytes, opts.mediaType);
  expect(res.statusCode, res.body).toBe(201);
  if (opts.format !== undefined) expect(res.headers['synthguard-format']).toBe(opts.format);
  const produceId = res.headers['synthguard-produce-id'];
  expect(typeof produceId, 'the SynthGuard-Produce-ID header').toBe('string');
  return { file: res.rawPayload, produceId: produceId as string };
}

/**
 * Expects synthguard's own reader to find our label in `file`: `Label` 1, the tenant's
 * provider code as `ContentProducer`, and the `ProduceID` the API returned.
 */
export function expectLabelFields(file: Uint8Array, producer: string, produceId: string): void {
  expect(inspectContent(file).label?.fields).toMatchObject({
    Label: '1',
    ContentProducer: producer,
    ProduceID: produceId,
  });
}

/**
 * Expects `value`, the AIGC tag as an external tool shows it, to be the label's JSON text with
 * the seven GB 45438 Annex E keys in order and the given `fields`; returns the parsed label.
 */
export function expectAnnexELabel(
  value: unknown,
  fields: Partial<Record<(typeof GB45438_KEYS)[number], string>>,
): Record<string, unknown> {
  expect(typeof value, 'the AIGC tag').toBe('string');
  const label = JSON.parse(value as string) as Record<string, unknown>;
  expect(Object.keys(label)).toEqual(GB45438_KEYS);
  expect(label).toMatchObject(fields);
  return label;
}

/**
 * Expects every tag of `before` to read the same (deeply equal) in `after`, except the tags in
 * `changedByDesign`; `context` names the case in failure messages.
 */
export function expectTagsKept(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  context: string,
  changedByDesign: ReadonlySet<string> = new Set(),
): void {
  for (const [k, v] of Object.entries(before)) {
    if (changedByDesign.has(k)) continue;
    expect(after[k], `${context}: ${k}`).toEqual(v);
  }
}

/** exiftool tags that describe the file on disk rather than its content: any two files differ. */
export const FILE_SYSTEM_TAGS: ReadonlySet<string> = new Set([
  'SourceFile',
  'System:FileName',
  'System:Directory',
  'System:FileSize',
  'System:FileModifyDate',
  'System:FileAccessDate',
  'System:FileInodeChangeDate',
  'System:FilePermissions',
]);

/**
 * Every tag exiftool reads in the file, keyed by family-1 group (`IFD0:Make`), structures as
 * objects (`-struct`); without FILE_SYSTEM_TAGS and the tags in `omit`. JSON output keeps one
 * tag per key: count duplicates in `exiftoolListing`.
 */
export function exiftoolTags(path: string, omit: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const [all] = JSON.parse(
    execFileSync('exiftool', ['-j', '-G1', '-a', '-struct', path], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as [Record<string, unknown>];
  return Object.fromEntries(Object.entries(all).filter(([k]) => !FILE_SYSTEM_TAGS.has(k) && !omit.has(k)));
}

/** exiftool's listing of the file, one `[Group] Tag : value` line per tag, duplicates included. */
export function exiftoolListing(path: string): string {
  return execFileSync('exiftool', ['-G1', '-a', path], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
}

/** How many lines of an `exiftoolListing` show the tag `[group] tag` (case-sensitive). */
export function listedTimes(listing: string, group: string, tag: string): number {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return listing.match(new RegExp(`^\\[${escape(group)}\\]\\s+${escape(tag)}\\s+: `, 'gm'))?.length ?? 0;
}

/** The tags ffprobe shows: the container's (format) and each stream's, in stream order. */
export interface FfprobeTags {
  readonly format: Record<string, string>;
  readonly streams: readonly Record<string, string>[];
}

/** The container (format) and stream tags ffprobe reads in the file. */
export function ffprobeTags(path: string): FfprobeTags {
  const out = JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', path], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    }),
  ) as { format: { tags?: Record<string, string> }; streams: { tags?: Record<string, string> }[] };
  return { format: out.format.tags ?? {}, streams: out.streams.map((s) => s.tags ?? {}) };
}

/** The container (format) tags ffprobe reads in the file. */
export function ffprobeFormatTags(path: string): Record<string, string> {
  return ffprobeTags(path).format;
}

/**
 * Has ffmpeg write `path` from lavfi test sources (`testsrc=…`, `sine=…`), one input each,
 * encoded with `args` (codecs, metadata, muxer options); returns the file's bytes. With
 * `pipeFormat` ffmpeg writes that format to a pipe instead, so the muxer cannot seek back to
 * fill in sizes (a live stream's layout).
 */
export function ffmpegFromLavfi(
  path: string,
  sources: readonly string[],
  args: readonly string[],
  opts: { readonly pipeFormat?: string } = {},
): Buffer {
  const inputs = sources.flatMap((source) => ['-f', 'lavfi', '-i', source]);
  const output = opts.pipeFormat === undefined ? ['-y', path] : ['-f', opts.pipeFormat, 'pipe:1'];
  const piped = execFileSync('ffmpeg', ['-v', 'error', ...inputs, ...args, ...output], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (opts.pipeFormat !== undefined) writeFileSync(path, piped);
  return readFileSync(path);
}

/**
 * The MD5 of everything ffmpeg decodes from the file's default streams (its `md5` muxer: audio
 * as PCM s16le, video as raw frames); with `-xerror` any decode error fails the call.
 */
export function decodedMd5(path: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', path, '-f', 'md5', '-'], {
    encoding: 'utf8',
  }).trim();
}

/**
 * ffmpeg's `framemd5` listing (a header, then one MD5 per decoded frame or audio packet) of the
 * streams `map` selects (default `0`: every stream), decoded from the start or from `seek`
 * seconds on; with `-xerror` any decode error fails the call.
 */
export function frameMd5(path: string, opts: { readonly map?: string; readonly seek?: string } = {}): string {
  return execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-xerror'],
      ...(opts.seek === undefined ? [] : ['-ss', opts.seek]),
      ...['-i', path, '-map', opts.map ?? '0', '-f', 'framemd5', '-'],
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}
