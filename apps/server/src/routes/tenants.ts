import { schemas } from '@synthguard/contract';
import { authorize, createTenant, requireTenant, resolveTenantId, tenantDto } from '@synthguard/engine';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http-error.js';

export function tenantRoutes(app: FastifyInstance, ctx: AppContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/v1/tenants',
    {
      onRequest: requireScope(ctx.store, 'tenants:write'),
      schema: {
        tags: ['tenants'],
        summary: 'Register a provider organisation (installation admin only)',
        body: schemas.TenantCreate,
        response: { 201: schemas.Tenant },
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      if (principal.tenantId !== null) {
        throw new HttpError('auth.forbidden', 'Only installation-wide admin keys can register tenants.');
      }
      const tenant = await createTenant(ctx.store, req.body, ctx.clock, ctx.recorder, principalOf(req).actor);
      return reply.code(201).header('location', `/v1/tenants/${tenant.id}`).send(tenantDto(tenant));
    },
  );
  r.get(
    '/v1/tenants',
    {
      onRequest: requireScope(ctx.store, 'tenants:read'),
      schema: {
        tags: ['tenants'],
        summary: 'Tenants the key can see (its own, or all for installation keys)',
        response: { 200: z.object({ items: z.array(schemas.Tenant) }) },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const principal = principalOf(req);
      const tenants =
        principal.tenantId === null
          ? await ctx.store.tenants.list()
          : [await requireTenant(ctx.store, principal.tenantId)];
      return { items: tenants.map(tenantDto) };
    },
  );
  r.get(
    '/v1/tenants/:id',
    {
      onRequest: requireScope(ctx.store, 'tenants:read'),
      schema: {
        tags: ['tenants'],
        summary: 'One tenant',
        params: z.object({ id: z.string() }),
        response: { 200: schemas.Tenant },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const principal = principalOf(req);
      authorize(principal, 'tenants:read');
      return tenantDto(await requireTenant(ctx.store, resolveTenantId(principal, req.params.id)));
    },
  );
}
