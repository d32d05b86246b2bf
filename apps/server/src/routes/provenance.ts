import { HEADER_CONTENT_PRODUCER, HEADER_FORMAT, HEADER_PRODUCE_ID, schemas } from '@synthguard/contract';
import {
  authorize,
  detectContent,
  detectionDto,
  propagateContent,
  verificationDto,
  verifyContent,
} from '@synthguard/engine';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { principalOf, requireScope } from '../auth.js';
import type { AppContext } from '../context.js';
import { downloadName, uploadedFile } from './labels.js';

/** Verify, detect and propagate: what content platforms call (Labeling Measures Art. 6). */
export function provenanceRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/v1/verify',
    {
      onRequest: requireScope(ctx.store, 'content:read'),
      bodyLimit: ctx.maxUploadBytes,
      schema: {
        tags: ['provenance'],
        summary: "Verify a file's implicit label: present, signature valid, content unchanged, whose key",
        description:
          'Send the file as the raw body or a multipart file part. Keys are looked up among the signing keys this ' +
          'installation published (GET /.well-known/synthguard/signing-keys.json).',
        querystring: schemas.VerifyQuery,
        response: { 200: schemas.Verification },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      authorize(principalOf(req), 'content:read');
      const upload = await uploadedFile(req);
      return verificationDto(
        await verifyContent(upload.bytes, ctx.keyring, {
          c2paTrustAnchorsPem: ctx.c2pa.trustAnchorsPem,
          hint: { mediaType: upload.declared, fileName: req.query.filename ?? upload.name },
        }),
      );
    },
  );

  typed.post(
    '/v1/detect',
    {
      onRequest: requireScope(ctx.store, 'content:read'),
      bodyLimit: ctx.maxUploadBytes,
      schema: {
        tags: ['provenance'],
        summary: 'Detect AI-generation traces: one verdict ("1" is, "2" may be, "3" suspected) with evidence',
        description:
          'The verdict names the wording a platform must show next to the content (Labeling Measures Art. 6). ' +
          'Pass declared=true when the uploader declared the content AI-generated.',
        querystring: schemas.DetectQuery,
        response: { 200: schemas.Detection },
        security: [{ bearer: [] }],
      },
    },
    async (req) => {
      authorize(principalOf(req), 'content:read');
      const upload = await uploadedFile(req);
      const detection = await detectContent(upload.bytes, {
        keys: ctx.keyring,
        declared: req.query.declared === 'true',
        c2paTrustAnchorsPem: ctx.c2pa.trustAnchorsPem,
        hint: { mediaType: upload.declared, fileName: req.query.filename ?? upload.name },
      });
      ctx.metrics.detections.inc({ verdict: detection.verdict ?? 'none' });
      return detectionDto(detection);
    },
  );

  typed.post(
    '/v1/propagate',
    {
      onRequest: requireScope(ctx.store, 'labels:write'),
      bodyLimit: ctx.maxUploadBytes,
      schema: {
        tags: ['provenance'],
        summary: "Add the platform's ContentPropagator, PropagateID and ReservedCode2 to a labeled file",
        description:
          "The producer's fields and signature are kept and stay valid. The response body is the file; the " +
          'PropagateID is in the `SynthGuard-Produce-Id` header and the record at the `Location`.',
        querystring: schemas.PropagateQuery,
        security: [{ bearer: [] }],
      },
    },
    async (req, reply) => {
      const upload = await uploadedFile(req);
      const outcome = await propagateContent(ctx, principalOf(req), {
        file: upload.bytes,
        tenantId: req.query.tenant,
        declaredMediaType: upload.declared,
        fileName: req.query.filename ?? upload.name,
      });
      const id = outcome.record.produceId;
      const name = downloadName(req.query.filename ?? upload.name, id, outcome.extension);
      return reply
        .code(201)
        .header('content-type', outcome.mediaType)
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('location', `/v1/content/${encodeURIComponent(id)}`)
        .header(HEADER_PRODUCE_ID, id)
        .header(HEADER_CONTENT_PRODUCER, outcome.record.label.ContentProducer)
        .header(HEADER_FORMAT, outcome.format)
        .send(Buffer.from(outcome.file.buffer, outcome.file.byteOffset, outcome.file.byteLength));
    },
  );
}
