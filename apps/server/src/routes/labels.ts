import { HEADER_CONTENT_PRODUCER, HEADER_FORMAT, HEADER_PRODUCE_ID, schemas } from '@synthguard/contract';
import { labelContent } from '@synthguard/engine';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';
import { HttpError } from '../http-error.js';

/** The uploaded file: the raw request body, or the first file part of a multipart form. */
export async function uploadedFile(
  req: FastifyRequest,
): Promise<{ bytes: Buffer; declared: string | undefined; name?: string }> {
  if (req.isMultipart()) {
    const part = await req.file();
    if (part === undefined) throw new HttpError('request.invalid', 'The multipart form has no file part.');
    const bytes = await part.toBuffer();
    return { bytes, declared: declaredType(part.mimetype), name: part.filename };
  }
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new HttpError(
      'request.invalid',
      'Send the file as the request body (or as a multipart file part).',
    );
  }
  return { bytes: req.body, declared: declaredType(req.headers['content-type']) };
}

function declaredType(header: string | undefined): string | undefined {
  const t = header?.split(';')[0]?.trim().toLowerCase();
  return t === undefined || t === '' || t === 'application/octet-stream' ? undefined : t;
}

export function downloadName(name: string | undefined, produceId: string, ext: string): string {
  const base = (name ?? '').replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return base === '' ? `${produceId}.${ext}` : base;
}

export function labelRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/labels',
    {
      onRequest: requireScope(ctx.store, 'labels:write'),
      bodyLimit: ctx.maxUploadBytes,
      schema: {
        tags: ['labels'],
        summary: 'Label a generated file with its GB 45438 implicit label and record it',
        description:
          'Send the file as the raw body (any Content-Type, e.g. image/jpeg or application/octet-stream) or as a ' +
          'multipart/form-data file part. The response body is the labeled file; its ProduceID is in the ' +
          '`SynthGuard-Produce-Id` header and the record at the `Location`. The label is signed with the ' +
          "tenant's key (SecurityData in ReservedCode1). A file that already carries a label is refused with " +
          '409 content.already_labeled unless relabel=true; a forged label is never replaced (422 content.label_forged).',
        querystring: schemas.LabelQuery,
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const upload = await uploadedFile(req);
      const outcome = await labelContent(ctx, principalOf(req), {
        file: upload.bytes,
        tenantId: req.query.tenant,
        service: req.query.service,
        declaredMediaType: upload.declared,
        fileName: req.query.filename ?? upload.name,
        relabel: req.query.relabel === 'true',
      });
      ctx.metrics.labelsWritten.inc({ format: outcome.handler.id });
      const id = outcome.record.produceId;
      const name = downloadName(
        req.query.filename ?? upload.name,
        id,
        outcome.handler.extensions[0] ?? 'bin',
      );
      return reply
        .code(201)
        .header('content-type', outcome.handler.mediaType)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('location', `/v1/content/${encodeURIComponent(id)}`)
        .header(HEADER_PRODUCE_ID, id)
        .header(HEADER_CONTENT_PRODUCER, outcome.record.label.ContentProducer)
        .header(HEADER_FORMAT, outcome.handler.id)
        .send(Buffer.from(outcome.file.buffer, outcome.file.byteOffset, outcome.file.byteLength));
    },
  );
}
