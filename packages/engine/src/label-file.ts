/**
 * `labelFile`: `labelContent` from a path to a path, in bounded memory where the format allows.
 * When the detected handler has a streaming carrier (MP4/MOV), the file is never loaded: the
 * carrier reads the container structure through `fs.readSync`, the content digest and both
 * SHA-256s are computed in chunks, and the output is the input copied piece by piece with the
 * planned edits (@synthguard/labels `planSignedLabel`, byte-for-byte `writeSignedLabel`). Other
 * formats are read whole and go through `labelContent`, and so do MP4s where C2PA needs the
 * bytes (the C2PA package embeds and hashes in memory; see `labelFile`): so a streamed file
 * carries the GB 45438 label but no C2PA manifest.
 *
 * Same rules as `labelContent` (GB 45438-2025 §5.2, Measures Art. 10): an existing label is
 * refused (`content.already_labeled`) unless `relabel`, a forged one always
 * (`content.label_forged`); nothing is recorded unless the labeled file was written and re-read
 * with the label; the content record is the same (input/output SHA-256 and sizes, label, key).
 * The output appears atomically: a temp file beside it, fsync, rename (after the record, so a
 * labeled file never exists without its record).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type ByteSource,
  type FormatHandler,
  type StreamingAigcCarrier,
  detectFormat,
  outputPieces,
} from '@synthguard/formats';
import {
  type AigcLabel,
  LabelError,
  encodeAigcLabel,
  planSignedLabel,
  readImplicitLabelSource,
  verifyImplicitLabelSource,
} from '@synthguard/labels';
import type { ContentRecord, Tenant } from '@synthguard/store';
import { hasBmffC2paStore } from './c2pa-store-source.js';
import { EngineError } from './errors.js';
import {
  FileError,
  digestsOfSource,
  errnoOf,
  fileSource,
  sha256OfSource,
  writeAll,
  writePieces,
} from './file-source.js';
import {
  type LabelingContext,
  checkExistingLabel,
  labelContent,
  labelingTenant,
  newLabel,
  recordWrite,
} from './labeling.js';
import type { Principal } from './principal.js';
import { isC2paFormat } from './provenance.js';

/** Bytes handed to `detectFormat`: every handler's magic fits well inside. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Largest streaming-capable file labeled in memory when C2PA needs the bytes (see labelFile):
 * the in-memory path holds a few copies of the file at once.
 */
export const IN_MEMORY_MAX_BYTES = 64 * 1024 * 1024;

export interface LabelFileRequest {
  readonly inputPath: string;
  /** Written atomically; replaced when it exists. Its directory must exist. */
  readonly outputPath: string;
  /** Tenant to act on; required for installation-wide principals. */
  readonly tenantId?: string | undefined;
  /** 4-character service code; default: the one inside the tenant's provider code. */
  readonly service?: string | undefined;
  /** Replace a label the file already carries (recorded as the previous label); never a forged one. */
  readonly relabel?: boolean | undefined;
}

export interface LabelFileOutcome {
  readonly record: ContentRecord;
  readonly handler: FormatHandler;
  /** The label the file carried before, when this was a relabel. */
  readonly previousLabel: AigcLabel | undefined;
  /** A C2PA manifest was added (never on the streaming path). */
  readonly c2pa: boolean;
  /** True when the file went through the streaming carrier (never held in memory whole). */
  readonly streamed: boolean;
}

function openInput(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (err) {
    throw new FileError('file.unreadable', `Cannot read ${path}: ${errnoOf(err) ?? 'I/O error'}.`, {
      cause: err,
      details: { path, errno: errnoOf(err) },
    });
  }
}

function unwritable(path: string, err: unknown, produceId?: string): FileError {
  const recorded = produceId === undefined ? '' : ` The content was recorded as ProduceID ${produceId}.`;
  return new FileError(
    'file.unwritable',
    `Cannot write ${path}: ${errnoOf(err) ?? 'I/O error'}.${recorded}`,
    {
      cause: err,
      details: { path, errno: errnoOf(err), ...(produceId === undefined ? {} : { produceId }) },
    },
  );
}

/**
 * A temp file beside `outputPath`: `fill` writes it, then it is fsynced and closed; `commit` runs
 * (the record) and the temp file is renamed over the output. On any failure the temp file goes;
 * an fs error writing it is `file.unwritable`, naming the ProduceID when the content was already
 * recorded (by `commit`, or before the call: `recordedBefore`).
 */
async function writeAtomically<F, R extends { readonly produceId: string }>(
  outputPath: string,
  fill: (fd: number, tmpPath: string) => F,
  commit: (filled: F) => Promise<R>,
  recordedBefore?: string,
): Promise<R> {
  const tmp = join(
    dirname(outputPath),
    `.${basename(outputPath)}.${String(process.pid)}.${String(Date.now())}.tmp`,
  );
  try {
    let filled: F;
    let fd: number | undefined;
    try {
      fd = openSync(tmp, 'wx', 0o644);
      filled = fill(fd, tmp);
      fsyncSync(fd);
    } catch (err) {
      throw errnoOf(err) === undefined ? err : unwritable(outputPath, err, recordedBefore);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    const committed = await commit(filled);
    try {
      renameSync(tmp, outputPath);
    } catch (err) {
      throw unwritable(outputPath, err, committed.produceId);
    }
    return committed;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** The format by its magic bytes, or by the file name for formats without any (Markdown). */
function detectHead(src: ByteSource, path: string): FormatHandler {
  return detectFormat(src.read(0, Math.min(src.size, SNIFF_BYTES)), { fileName: basename(path) });
}

/** The file read whole and labeled by `labelContent` (which records), then written. */
async function labelInMemory(
  ctx: LabelingContext,
  principal: Principal,
  tenant: Tenant,
  src: ByteSource,
  req: LabelFileRequest,
): Promise<LabelFileOutcome> {
  const outcome = await labelContent(ctx, principal, {
    file: src.read(0, src.size),
    fileName: basename(req.inputPath),
    tenantId: tenant.id,
    service: req.service,
    relabel: req.relabel,
  });
  await writeAtomically(
    req.outputPath,
    (fd) => {
      writeAll(fd, outcome.file);
    },
    () => Promise.resolve(outcome.record),
    outcome.record.produceId,
  );
  const { record, handler, previousLabel, c2pa } = outcome;
  return { record, handler, previousLabel, c2pa, streamed: false };
}

/** The streaming path: structure and digests through `src`, output copied piece by piece. */
async function labelStreaming(
  ctx: LabelingContext,
  principal: Principal,
  tenant: Tenant,
  src: ByteSource,
  handler: FormatHandler,
  streaming: StreamingAigcCarrier,
  req: LabelFileRequest,
): Promise<LabelFileOutcome> {
  const label = newLabel(tenant, req.service, ctx.clock);
  const key = await ctx.keyring.activeKey(tenant.id);
  // Reading walks and validates the container; a label that cannot be read at all is an error.
  const existing = verifyImplicitLabelSource(streaming, src);
  checkExistingLabel(existing, req.relabel);
  // An unlabeled input is its own content: one pass over it gives the record's SHA-256 and the
  // content digest the signature needs (SHA-256 for Ed25519 keys, SM3 for SM2 keys).
  let inputSha256: string | undefined;
  const plan = planSignedLabel(streaming, src, label, key, {
    inputDigest: (alg) => {
      const name = alg === 'SM3' ? 'sm3' : 'sha256';
      const digests = digestsOfSource(src, ['sha256', name]);
      inputSha256 = digests.get('sha256')!.toString('hex');
      return new Uint8Array(digests.get(name)!);
    },
  });
  const inputSha = inputSha256 ?? sha256OfSource(src);
  const record = await writeAtomically(
    req.outputPath,
    (fd, tmpPath) => {
      const hash = createHash('sha256');
      const bytes = writePieces(fd, src, outputPieces(src.size, plan.splices), (b) => hash.update(b));
      const written = { bytes, sha256: hash.digest('hex') };
      // As writeImplicitLabel does in memory: the written file must walk and carry this label.
      const check = openSync(tmpPath, 'r');
      try {
        if (readImplicitLabelSource(streaming, fileSource(check))?.raw !== encodeAigcLabel(plan.label)) {
          throw new LabelError('label.invalid_xmp', 'The file did not keep the label that was written.', {
            details: { problem: 'write_not_persisted' },
          });
        }
      } finally {
        closeSync(check);
      }
      return written;
    },
    // The record, from the digests taken while streaming.
    (written) =>
      recordWrite(ctx, principal, tenant, {
        handler,
        label: plan.label,
        previousLabel: existing?.label.label,
        input: { sha256: inputSha, bytes: src.size },
        output: written,
        signingKeyId: key.kid,
      }),
  );
  return { record, handler, previousLabel: existing?.label.label, c2pa: false, streamed: true };
}

/**
 * Labels the file at `inputPath` into `outputPath` and records it, like `labelContent`. Formats
 * with a streaming carrier (MP4/MOV) stream, in bounded memory whatever their size, except where
 * C2PA needs the bytes: a file that already holds a C2PA store (its digest excludes the store, a
 * bytes-only step), and a file up to IN_MEMORY_MAX_BYTES when `ctx.c2pa` would add a manifest,
 * go through `labelContent`; a larger one streams without a manifest (`c2pa: false`), and one
 * larger that holds a store is refused (`content.format_not_labelable`).
 * Throws EngineError, FormatError, LabelError, FileError (`file.*`).
 */
export async function labelFile(
  ctx: LabelingContext,
  principal: Principal,
  req: LabelFileRequest,
): Promise<LabelFileOutcome> {
  const tenant = await labelingTenant(ctx, principal, req.tenantId);
  const inFd = openInput(req.inputPath);
  try {
    const src = fileSource(inFd);
    const handler = detectHead(src, req.inputPath);
    const streaming = handler.streaming;
    if (streaming === undefined) return await labelInMemory(ctx, principal, tenant, src, req);
    const small = src.size <= IN_MEMORY_MAX_BYTES;
    // MP4 is the one streaming format C2PA embeds in (ISO BMFF `uuid` box).
    const withStore = handler.id === 'mp4' && hasBmffC2paStore(src);
    if (withStore && !small) {
      throw new EngineError(
        'content.format_not_labelable',
        `This ${handler.id} file holds a C2PA manifest and is larger than ${String(IN_MEMORY_MAX_BYTES / 2 ** 20)} MiB: ` +
          'labeling it would need it whole in memory. Label the file before adding C2PA provenance.',
        { details: { bytes: src.size, limit: IN_MEMORY_MAX_BYTES } },
      );
    }
    const manifestWanted = ctx.c2pa !== undefined && isC2paFormat(handler.id);
    if (small && (withStore || manifestWanted)) return await labelInMemory(ctx, principal, tenant, src, req);
    return await labelStreaming(ctx, principal, tenant, src, handler, streaming, req);
  } finally {
    closeSync(inFd);
  }
}
