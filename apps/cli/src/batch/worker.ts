/**
 * A batch worker thread: reads one input file and does the CPU work on it (label and sign, or
 * detect, or verify), answering with the result or a stable error code. It never touches the
 * database; the main thread records results.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { isAppError, sha256Hex } from '@synthguard/core';
import {
  type C2paIdentity,
  applyLabel,
  identityFromPem,
  detectContent,
  detectionDto,
  publishedKeyDirectory,
  verificationDto,
  verifyContent,
} from '@synthguard/engine';
import { type AigcLabel, type SigningKey, signingKeyFromPem } from '@synthguard/labels';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const keys = new Map<string, SigningKey>();
let c2paIdentity: { pem: string; identity: C2paIdentity } | undefined;

function c2paFrom(pems: { chainPem: string; keyPem: string; anchorsPem: string }): C2paIdentity {
  const pem = pems.chainPem + pems.keyPem;
  if (c2paIdentity?.pem !== pem) {
    c2paIdentity = { pem, identity: identityFromPem(pems.chainPem, pems.keyPem, pems.anchorsPem, false) };
  }
  return c2paIdentity.identity;
}

/** C2PA roots published with the key list (the `c2pa` member of the well-known document). */
function anchorsOf(doc: unknown): string | undefined {
  const c2pa = (doc as { c2pa?: { trustAnchorsPem?: unknown } } | null)?.c2pa;
  return typeof c2pa?.trustAnchorsPem === 'string' ? c2pa.trustAnchorsPem : undefined;
}

function keyFrom(pem: string): SigningKey {
  let key = keys.get(pem);
  if (key === undefined) {
    key = signingKeyFromPem(pem);
    keys.set(pem, key);
  }
  return key;
}

async function handle(req: WorkerRequest): Promise<{ response: WorkerResponse; transfer: ArrayBuffer[] }> {
  const file = new Uint8Array(await readFile(req.path));
  switch (req.kind) {
    case 'label': {
      const applied = applyLabel(file, req.label as unknown as AigcLabel, keyFrom(req.keyPem), {
        relabel: req.relabel,
        fileName: req.path,
        c2pa: req.c2pa === null ? undefined : c2paFrom(req.c2pa),
      });
      const out = applied.file;
      return {
        response: {
          ok: true,
          kind: 'label',
          file: out,
          format: applied.handler.id,
          label: { ...applied.label },
          previousLabel: applied.previousLabel === undefined ? null : { ...applied.previousLabel },
          inputSha256: sha256Hex(file),
          inputBytes: file.length,
          c2pa: applied.c2pa,
        },
        transfer:
          out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? [out.buffer as ArrayBuffer] : [],
      };
    }
    case 'detect': {
      const detection = await detectContent(file, {
        keys: publishedKeyDirectory(req.keys),
        declared: req.declared,
        c2paTrustAnchorsPem: anchorsOf(req.keys),
        hint: { fileName: req.path },
      });
      return { response: { ok: true, kind: 'detect', detection: detectionDto(detection) }, transfer: [] };
    }
    case 'verify': {
      const verification = await verifyContent(file, publishedKeyDirectory(req.keys), {
        c2paTrustAnchorsPem: anchorsOf(req.keys),
        hint: { fileName: req.path },
      });
      return {
        response: { ok: true, kind: 'verify', verification: verificationDto(verification) },
        transfer: [],
      };
    }
  }
}

parentPort?.on('message', (req: WorkerRequest) => {
  handle(req)
    .then(({ response, transfer }) => {
      parentPort?.postMessage(response, transfer);
    })
    .catch((err: unknown) => {
      const response: WorkerResponse = isAppError(err)
        ? {
            ok: false,
            code: err.code,
            message: err.message,
            ...(err.details ? { details: err.details } : {}),
          }
        : (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? { ok: false, code: 'cli.file_not_found', message: `Cannot read ${req.path}: no such file.` }
          : { ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) };
      parentPort?.postMessage(response);
    });
});
