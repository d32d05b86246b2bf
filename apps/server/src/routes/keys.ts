import { schemas } from '@synthguard/contract';
import { apiKeyDto, issueApiKeyAs, resolveTenantId, revokeApiKey } from '@synthguard/engine';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';

export function keyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/keys',
    {
      onRequest: requireScope(ctx.store, 'keys:write'),
      schema: {
        tags: ['keys'],
        summary: 'Issue an API key; the secret is in this response only',
        body: schemas.ApiKeyCreate,
        response: { 201: schemas.ApiKeyCreated },
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const issued = await issueApiKeyAs(ctx.store, principalOf(req), req.body, ctx.clock, ctx.recorder);
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ ...apiKeyDto(issued.key), secret: issued.token });
    },
  );
  r.get(
    '/v1/keys',
    {
      onRequest: requireScope(ctx.store, 'keys:read'),
      schema: {
        tags: ['keys'],
        summary:
          "Keys of a tenant (default the caller's); installation keys without ?tenant list installation keys",
        querystring: z.object({ tenant: z.string().optional() }).strict(),
        response: { 200: z.object({ items: z.array(schemas.ApiKey) }) },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const tenantId =
        principal.tenantId === null && req.query.tenant === undefined
          ? null
          : resolveTenantId(principal, req.query.tenant);
      return { items: (await ctx.store.apiKeys.listByTenant(tenantId)).map(apiKeyDto) };
    },
  );
  r.delete(
    '/v1/keys/:id',
    {
      onRequest: requireScope(ctx.store, 'keys:write'),
      schema: {
        tags: ['keys'],
        summary: 'Revoke a key (it stops working at once)',
        params: z.object({ id: z.string() }),
        response: { 200: schemas.ApiKey },
        security: [{ bearer: [] }],
      },
    },
    async (req) =>
      apiKeyDto(await revokeApiKey(ctx.store, principalOf(req), req.params.id, ctx.clock, ctx.recorder)),
  );
}
