import { schemas } from '@synthguard/contract';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';

export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        response: { 200: schemas.Health },
      },
    },
    () => ({ status: 'ok' as const }),
  );
  r.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the database answers and the server is not shutting down',
        response: { 200: schemas.Health, 503: schemas.Health },
      },
    },
    async (_req, reply) => {
      if (ctx.shuttingDown())
        return reply.code(503).send({ status: 'unavailable', checks: { server: 'shutting down' } });
      try {
        await ctx.store.ping();
        return { status: 'ok' as const, checks: { database: ctx.store.driver } };
      } catch {
        return reply.code(503).send({ status: 'unavailable', checks: { database: 'unreachable' } });
      }
    },
  );
  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_req, reply) => {
      const body = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(body);
    },
  );
}
