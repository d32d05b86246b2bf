import { schemas } from '@synthguard/contract';
import { authorize, requireTenant, resolveTenantId, signingKeyDto } from '@synthguard/engine';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';

/** The well-known URL where anyone fetches the public halves of this installation's signing keys. */
export const SIGNING_KEYS_WELL_KNOWN = '/.well-known/synthguard/signing-keys.json';

export function signingKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    SIGNING_KEYS_WELL_KNOWN,
    {
      schema: {
        tags: ['signing keys'],
        summary: 'Public signing keys of every provider on this installation (no authentication)',
        description:
          "Verifiers match the KeyID in a label's SecurityData against this list. Retired keys stay listed so " +
          'labels signed before a rotation still verify.',
        response: { 200: schemas.PublishedSigningKeys },
      },
    },
    async (_req, reply) => {
      const keys = (await ctx.keyring.published()).map((k) => {
        const { tenantId: _t, ...rest } = signingKeyDto(k);
        return rest;
      });
      void reply.header('cache-control', 'public, max-age=300');
      return {
        keys,
        c2pa: { trustAnchorsPem: ctx.c2pa.trustAnchorsPem, development: ctx.c2pa.development },
      };
    },
  );

  typed.get(
    '/v1/tenants/:tenantId/signing-keys',
    {
      onRequest: requireScope(ctx.store, 'keys:read'),
      schema: {
        tags: ['signing keys'],
        summary: "A tenant's label signing keys, newest first",
        params: z.object({ tenantId: z.string() }),
        response: { 200: z.array(schemas.SigningKey) },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      const principal = principalOf(req);
      authorize(principal, 'keys:read');
      const tenant = await requireTenant(ctx.store, resolveTenantId(principal, req.params.tenantId));
      const keys = await ctx.keyring.list(tenant.id);
      return keys.map((k) => signingKeyDto({ ...k, providerCode: tenant.providerCode }));
    },
  );

  typed.post(
    '/v1/tenants/:tenantId/signing-keys',
    {
      onRequest: requireScope(ctx.store, 'keys:write'),
      schema: {
        tags: ['signing keys'],
        summary: 'Rotate: create a new active signing key; the previous one is retired (and stays published)',
        params: z.object({ tenantId: z.string() }),
        body: schemas.SigningKeyRotate.optional(),
        response: { 201: schemas.SigningKey },
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      authorize(principal, 'keys:write');
      const tenant = await requireTenant(ctx.store, resolveTenantId(principal, req.params.tenantId));
      const key = await ctx.keyring.rotate(tenant.id, req.body?.alg);
      return reply.code(201).send(signingKeyDto({ ...key, providerCode: tenant.providerCode }));
    },
  );
}
