/**
 * A batch worker thread: reads one input file and does the CPU work on it (label and sign, or
 * detect, or verify), answering with the result or a stable error code. It never touches the
 * database; the main thread records results.
 */
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { isAppError, sha256Hex } from '@synthguard/core';
import {
  applyLabel,
  detectContent,
  detectionDto,
  publishedKeyDirectory,
  verificationDto,
  verifyContent,
} from '@synthguard/engine';
import { type AigcLabel, type SigningKey, signingKeyFromPem } from '@synthguard/labels';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

const keys = new Map<string, SigningKey>();

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
        },
        transfer:
          out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? [out.buffer as ArrayBuffer] : [],
      };
    }
    case 'detect': {
      const detection = await detectContent(file, {
        keys: publishedKeyDirectory(req.keys),
        declared: req.declared,
      });
      return { response: { ok: true, kind: 'detect', detection: detectionDto(detection) }, transfer: [] };
    }
    case 'verify': {
      const verification = await verifyContent(file, publishedKeyDirectory(req.keys));
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
