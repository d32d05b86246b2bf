import { schemas } from '@synthguard/contract';
import {
  EngineError,
  type LedgerRecordView,
  type Principal,
  authorize,
  resolveTenantId,
} from '@synthguard/engine';
import { LedgerError, buildProofBundle, parseEntriesPath, parseTilePath } from '@synthguard/ledger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';
import { problem } from '../problem.js';

/** Tile and entry-bundle paths never change once written (C2SP tlog-tiles): cache them for a year. */
const IMMUTABLE_AGE = 'max-age=31536000, immutable';

const Index = z.coerce
  .number()
  .int()
  .min(0)
  .max(2 ** 52);
/** How long a proof request waits for a just-recorded entry to be integrated. */
const INTEGRATION_WAIT_MS = 5_000;
const Hashes = z.array(z.string()).describe('Proof hashes, standard base64, in RFC 9162 order');

/**
 * The log in the C2SP tlog-tiles layout (`/ledger/checkpoint`, `/ledger/tile/…`), readable by
 * any tlog client without credentials, and the proofs API for callers holding `ledger:read`.
 */
export function ledgerRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const ledger = ctx.ledger.log;
  // The log itself spans every tenant: when it is not public, only installation-wide keys with
  // ledger:read (regulators, inspectors, the provider's compliance staff) may read it.
  const logAccess =
    ctx.ledgerAccess === 'authenticated'
      ? {
          onRequest: async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
            await requireScope(ctx.store, 'ledger:read')(req, reply);
            if (principalOf(req).tenantId !== null) {
              throw new EngineError(
                'auth.forbidden',
                'The log holds every tenant: read it with an installation-wide key, or use /v1/ledger/records.',
              );
            }
          },
        }
      : {};
  const logSecurity = ctx.ledgerAccess === 'authenticated' ? { security: [{ bearer: [] }] } : {};

  typed.get(
    '/ledger/checkpoint',
    {
      ...logAccess,
      schema: {
        ...logSecurity,
        tags: ['ledger'],
        summary:
          "The log's latest signed checkpoint (C2SP tlog-checkpoint; public unless SYNTHGUARD_LEDGER_ACCESS=authenticated)",
        description:
          'A signed note: origin, tree size, root hash, then the Ed25519 signature of the log key (and ' +
          'witness cosignatures once collected). Only published once every tile it commits to is durable.',
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      void reply.header('cache-control', 'no-cache');
      return reply.type('text/plain; charset=utf-8').send(publishedNote(ctx));
    },
  );

  typed.get(
    '/ledger/tile/*',
    {
      ...logAccess,
      schema: {
        ...logSecurity,
        tags: ['ledger'],
        summary: 'A hash tile (`tile/<L>/<N>[.p/<W>]`) or entry bundle (`tile/entries/<N>[.p/<W>]`)',
        description: 'C2SP tlog-tiles. Paths are canonical; a tile not yet published is 404.',
        produces: ['application/octet-stream'],
      },
    },
    async (req, reply) => {
      const rest = (req.params as { '*': string })['*'];
      const path = `tile/${rest}`;
      // Only canonical paths reach the store; anything else is a plain 404 (nothing to serve).
      try {
        if (rest.startsWith('entries/')) parseEntriesPath(path);
        else parseTilePath(path);
      } catch (err) {
        if (err instanceof LedgerError) return notFound(reply, req.id, path);
        throw err;
      }
      const data = await ledger.read(path);
      if (data === undefined) return notFound(reply, req.id, path);
      void reply.header(
        'cache-control',
        ctx.ledgerAccess === 'authenticated' ? `private, ${IMMUTABLE_AGE}` : `public, ${IMMUTABLE_AGE}`,
      );
      return reply.type('application/octet-stream').send(Buffer.from(data));
    },
  );

  typed.get(
    '/v1/ledger/proofs/inclusion',
    {
      onRequest: requireScope(ctx.store, 'ledger:read'),
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 inclusion proof of the leaf at `index` in the tree of `size` leaves',
        description: '`size` defaults to the latest checkpoint, which is returned alongside.',
        querystring: z.object({ index: Index, size: Index.optional() }),
        response: {
          200: z.object({
            index: z.number().int(),
            size: z.number().int(),
            hashes: Hashes,
            checkpoint: z.string().describe('The latest signed checkpoint note'),
          }),
        },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const cp = ledger.checkpoint();
      const size = req.query.size ?? cp.size;
      const hashes = await ledger.inclusionProof(req.query.index, size);
      return { index: req.query.index, size, hashes: hashes.map(b64), checkpoint: publishedNote(ctx) };
    },
  );

  typed.get(
    '/v1/ledger/proofs/consistency',
    {
      onRequest: requireScope(ctx.store, 'ledger:read'),
      schema: {
        tags: ['ledger'],
        summary: 'RFC 9162 consistency proof between the trees of `from` and `to` leaves',
        description: '`to` defaults to the latest checkpoint, which is returned alongside.',
        querystring: z.object({ from: Index, to: Index.optional() }),
        response: {
          200: z.object({
            from: z.number().int(),
            to: z.number().int(),
            hashes: Hashes,
            checkpoint: z.string(),
          }),
        },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const cp = ledger.checkpoint();
      const to = req.query.to ?? cp.size;
      const hashes = await ledger.consistencyProof(req.query.from, to);
      return { from: req.query.from, to, hashes: hashes.map(b64), checkpoint: publishedNote(ctx) };
    },
  );

  typed.get(
    '/v1/ledger/records',
    {
      onRequest: requireScope(ctx.store, 'ledger:read'),
      schema: {
        tags: ['ledger'],
        summary: "A tenant's ledger records in a period, by leaf index (pages of at most 1,000)",
        description:
          'Installation-wide keys name the tenant, or `installation` for events that belong to no tenant. ' +
          'Page with `after` = the last index of the previous page.',
        querystring: z.object({
          tenant: z.string().optional(),
          from: z.iso.datetime(),
          to: z.iso.datetime(),
          after: Index.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: schemas.LedgerRecordList },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const principal = principalOf(req);
      authorize(principal, 'ledger:read');
      const tenantId =
        req.query.tenant === 'installation' && principal.tenantId === null
          ? null
          : resolveTenantId(principal, req.query.tenant);
      const rows = await ctx.store.ledgerRecords.list({
        tenantId,
        from: new Date(req.query.from),
        to: new Date(req.query.to),
        limit: req.query.limit,
        ...(req.query.after === undefined ? {} : { afterIndex: req.query.after }),
      });
      const items = await Promise.all(rows.map(async (r) => recordDto(await ctx.ledger.viewRecord(r))));
      return { items };
    },
  );

  typed.get(
    '/v1/ledger/records/:id',
    {
      onRequest: requireScope(ctx.store, 'ledger:read'),
      schema: {
        tags: ['ledger'],
        summary: 'One ledger record: its leaf, where it is in the log, and its personal fields while kept',
        params: z.object({ id: z.string().min(1).max(128) }),
        response: { 200: schemas.LedgerRecord },
        security: [{ bearer: [] }],
      },
    },
    async (req) => recordDto(await visibleRecord(ctx, principalOf(req), req.params.id)),
  );

  typed.get(
    '/v1/ledger/records/:id/proof',
    {
      onRequest: requireScope(ctx.store, 'ledger:read'),
      schema: {
        tags: ['ledger'],
        summary: 'Offline proof bundle of one record (C2SP tlog-proof: entry, inclusion proof, checkpoint)',
        description:
          '`synthguard ledger verify <file> --key <log key>` checks it with no server. Waits up to 5 s for a ' +
          'record that is not integrated yet.',
        params: z.object({ id: z.string().min(1).max(128) }),
        produces: ['text/plain'],
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const record = await visibleRecord(ctx, principalOf(req), req.params.id);
      await integratedWithin(ctx, record.index);
      const text = await buildProofBundle(record.index, {
        read: (path) => ledger.read(path),
        checkpoint: publishedNote(ctx),
        verifierKeys: [ledger.verifierKey],
        origin: ledger.origin,
      });
      void reply.header('content-disposition', `attachment; filename="${record.id}.tlog-proof"`);
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );
}

/** The checkpoint as served: the witnessed copy when one covers the latest size. */
function publishedNote(ctx: AppContext): string {
  return ctx.witnessedCheckpoint?.() ?? ctx.ledger.log.checkpoint().note;
}

/** A record the principal may see: its own tenant's, or any for installation-wide keys. */
async function visibleRecord(ctx: AppContext, principal: Principal, id: string): Promise<LedgerRecordView> {
  authorize(principal, 'ledger:read');
  const record = await ctx.ledger.readRecord(id);
  if (principal.tenantId !== null && record.tenantId !== principal.tenantId) {
    // Same answer as a missing record: a tenant learns nothing about another tenant's ids.
    throw new EngineError('ledger.record_not_found', 'No ledger record with this id.', { details: { id } });
  }
  return record;
}

async function integratedWithin(ctx: AppContext, index: number): Promise<void> {
  if (index < ctx.ledger.log.checkpoint().size) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new EngineError(
          'ledger.unavailable',
          'The record is not integrated into the log yet; retry shortly.',
          {
            details: { index },
          },
        ),
      );
    }, INTEGRATION_WAIT_MS);
  });
  try {
    await Promise.race([ctx.ledger.log.integrated(index), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function recordDto(r: LedgerRecordView): z.infer<typeof schemas.LedgerRecord> {
  return {
    id: r.id,
    type: r.type,
    tenantId: r.tenantId,
    time: r.time.toISOString(),
    index: r.index,
    leaf: r.leaf,
    ...(r.produceId === undefined ? {} : { produceId: r.produceId }),
    ...(r.contentDigest === undefined ? {} : { contentDigest: r.contentDigest }),
    facts: r.facts,
    retainUntil: r.retainUntil.toISOString(),
    ...(r.personal === undefined ? {} : { personal: r.personal }),
    erased: r.erased,
  };
}

function b64(hash: Uint8Array): string {
  return Buffer.from(hash).toString('base64');
}

function notFound(reply: FastifyReply, requestId: string, path: string): FastifyReply {
  return reply
    .code(404)
    .type('application/problem+json')
    .send(problem('request.not_found', `No published ${path}.`, { instance: `/ledger/${path}`, requestId }));
}
