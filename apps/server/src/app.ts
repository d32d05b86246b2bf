import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { HEADER_REQUEST_ID } from '@synthguard/contract';
import { AppError, newUlid } from '@synthguard/core';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { LoggerOptions } from 'pino';
import type { AppContext } from './context.js';
import { finishOpenApi } from './openapi.js';
import { problem, statusFor } from './problem.js';
import { contentRoutes } from './routes/content.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { labelRoutes } from './routes/labels.js';
import { ledgerRoutes } from './routes/ledger.js';
import { provenanceRoutes } from './routes/provenance.js';
import { signingKeyRoutes } from './routes/signing-keys.js';
import { tenantRoutes } from './routes/tenants.js';

export const API_VERSION = '0.1.0';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP application. No listening, no process handling: that is main.ts. */
export async function buildApp(
  ctx: AppContext,
  logger: LoggerOptions | false = false,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger === false ? false : { ...logger, redact: ['req.headers.authorization'] },
    genReqId: (req) => {
      const given = req.headers[HEADER_REQUEST_ID];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newUlid();
    },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  app.decorateRequest('principal', null);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // Files arrive as raw bodies of any type; JSON keeps Fastify's parser.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });
  await app.register(multipart, {
    limits: { fileSize: ctx.maxUploadBytes, files: 1, fields: 20, parts: 21 },
  });

  app.addHook('onRequest', (req, reply, done) => {
    // Reply is thenable (awaiting it waits for the response): set the header, don't await it.
    reply.header(HEADER_REQUEST_ID, req.id);
    done();
  });
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const { code, detail, details } = classify(err);
    const status = statusFor(code);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code }, 'request refused');
    ctx.metrics.errors.inc({ code });
    if (status === 503) void reply.header('retry-after', '5');
    return reply
      .code(status)
      .type('application/problem+json')
      .send(problem(code, detail, { instance: req.url.split('?')[0], requestId: req.id, details }));
  });
  app.setNotFoundHandler((req, reply) => {
    ctx.metrics.errors.inc({ code: 'request.not_found' });
    return reply
      .code(404)
      .type('application/problem+json')
      .send(
        problem('request.not_found', `No route ${req.method} ${req.url.split('?')[0] ?? ''}.`, {
          requestId: req.id,
        }),
      );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'synthguard API',
        version: API_VERSION,
        description:
          'Review, label (GB 45438-2025) and record generated content. Errors are RFC 9457 problem details ' +
          '(application/problem+json) with a stable `code`.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'sg_… API key' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => finishOpenApi('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  healthRoutes(app, ctx);
  labelRoutes(app, ctx);
  provenanceRoutes(app, ctx);
  signingKeyRoutes(app, ctx);
  contentRoutes(app, ctx);
  tenantRoutes(app, ctx);
  keyRoutes(app, ctx);
  ledgerRoutes(app, ctx);
  return app;
}

function classify(err: FastifyError | AppError): {
  code: string;
  detail: string;
  details?: Readonly<Record<string, unknown>> | undefined;
} {
  if (err instanceof AppError) return { code: err.code, detail: err.message, details: err.details };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
    return { code: 'request.invalid', detail: 'The request does not match the schema.', details: { issues } };
  }
  if (err.name === 'ZodError')
    return { code: 'request.invalid', detail: 'The request does not match the schema.' };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return { code: 'request.too_large', detail: 'The upload is larger than this server accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'request.unsupported_media_type', detail: 'Unsupported Content-Type.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_ERR_VALIDATION':
      return { code: 'request.invalid', detail: err.message };
    default:
      if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        return { code: 'request.invalid', detail: err.message };
      }
      return {
        code: 'internal',
        detail: 'An internal error occurred; the request id identifies it in the logs.',
      };
  }
}
