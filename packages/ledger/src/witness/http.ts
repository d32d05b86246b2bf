/**
 * The HTTP face of a witness (C2SP tlog-witness), as a node:http request listener:
 *
 *   POST /add-checkpoint               → 200 cosignature lines | 400 | 403 | 404 | 409 | 422
 *   GET  /<hex SHA-256(origin)>/checkpoint → the latest cosigned checkpoint of that log | 404
 *                                          ("Monitor Retrieval Mechanism")
 *
 * Bodies are capped (413 beyond the cap) and read as bytes. The caller owns the server (and
 * its timeouts): this module opens no socket.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAppError } from '@synthguard/core';
import type { LedgerErrorCode } from '../errors.js';
import { MAX_ADD_CHECKPOINT_BYTES, TLOG_SIZE_CONTENT_TYPE, formatTlogSize } from './protocol.js';
import type { Witness } from './witness.js';

/** HTTP status of each error addCheckpoint throws (tlog-witness); anything else is a 500. */
export const WITNESS_HTTP_STATUS: Readonly<Partial<Record<LedgerErrorCode, number>>> = {
  'ledger.malformed_request': 400,
  'ledger.malformed_note': 400,
  'ledger.malformed_checkpoint': 400,
  'ledger.unknown_key': 403,
  'ledger.invalid_signature': 403,
  'ledger.witness_unknown_log': 404,
  'ledger.witness_conflict': 409,
  'ledger.inconsistent_checkpoint': 422,
  'ledger.clock_backwards': 503,
  'ledger.storage_full': 507,
};

/** The status for an error thrown by Witness.addCheckpoint. */
export function witnessHttpStatus(err: unknown): number {
  if (!isAppError(err)) return 500;
  return WITNESS_HTTP_STATUS[err.code as LedgerErrorCode] ?? 500;
}

export interface WitnessHandlerOptions {
  /** Largest request body (default MAX_ADD_CHECKPOINT_BYTES). */
  readonly maxBodyBytes?: number;
  /** Told about every refused request and internal failure (for the operator's log). */
  readonly onError?: (err: unknown, status: number) => void;
}

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      reject(new TooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        // Stop keeping bytes; drain the rest so the 413 answer can be sent, then close.
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => {
      resolve(Buffer.concat(chunks));
    });
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

const CHECKPOINT_PATH = /^\/([0-9a-f]{64})\/checkpoint$/;

/** A node:http listener serving `witness`. */
export function witnessHandler(
  witness: Witness,
  options: WitnessHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const max = options.maxBodyBytes ?? MAX_ADD_CHECKPOINT_BYTES;
  const byOriginHash = new Map(
    witness.origins.map((o) => [createHash('sha256').update(o).digest('hex'), o] as const),
  );
  const fail = (res: ServerResponse, err: unknown, status: number): void => {
    options.onError?.(err, status);
    const code = isAppError(err) ? err.code : 'internal';
    const message = isAppError(err) ? err.message : 'Internal error.';
    if (res.headersSent) return;
    if (status === 409 && isAppError(err) && typeof err.details?.size === 'number') {
      send(res, 409, formatTlogSize(err.details.size), TLOG_SIZE_CONTENT_TYPE);
    } else {
      send(res, status, `${code}: ${message}\n`);
    }
  };

  const addCheckpoint = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: Buffer;
    try {
      body = await readBody(req, max);
    } catch (err) {
      if (err instanceof TooLarge) {
        res.setHeader('Connection', 'close');
        send(res, 413, `ledger.malformed_request: The request body is over ${max} bytes.\n`);
      }
      return; // a reset connection has nobody to answer
    }
    try {
      const lines = await witness.addCheckpoint(body);
      send(res, 200, lines);
    } catch (err) {
      fail(res, err, witnessHttpStatus(err));
    }
  };

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/add-checkpoint') {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        send(res, 405, 'Use POST.\n');
        return;
      }
      addCheckpoint(req, res).catch((err: unknown) => {
        fail(res, err, 500);
      });
      return;
    }
    const m = CHECKPOINT_PATH.exec(path);
    if (m !== null && (req.method === 'GET' || req.method === 'HEAD')) {
      const origin = byOriginHash.get(m[1]!);
      const latest = origin === undefined ? undefined : witness.latest(origin);
      if (latest === undefined) send(res, 404, 'No checkpoint cosigned for that log.\n');
      else send(res, 200, latest.checkpoint);
      return;
    }
    send(res, 404, 'Not found.\n');
  };
}
