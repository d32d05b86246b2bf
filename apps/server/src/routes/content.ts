import { schemas } from '@synthguard/contract';
import { contentRecordDto, getContentRecord } from '@synthguard/engine';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';

export function contentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/content/:produceId',
    {
      onRequest: requireScope(ctx.store, 'content:read'),
      schema: {
        tags: ['content'],
        summary: 'The content record of a labeled file, by its ProduceID',
        params: z.object({ produceId: schemas.ProduceId }),
        response: { 200: schemas.ContentRecord },
        security: [{ bearer: [] }],
      },
    },
    async (req) =>
      contentRecordDto(await getContentRecord(ctx.store, principalOf(req), req.params.produceId)),
  );
}
