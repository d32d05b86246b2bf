import { schemas } from '@synthguard/contract';
import { formatHandlers } from '@synthguard/formats';
import { z } from 'zod';

/**
 * Finishes the generated OpenAPI document: routes whose body is a file (not JSON) get their
 * binary request and response bodies, and every operation documents RFC 9457 problems.
 */
type Operation = Record<string, unknown> & { responses?: Record<string, unknown> };
type OpenApiDoc = Record<string, unknown> & {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
};

const BINARY = { type: 'string', format: 'binary' };
const PROBLEM = {
  description: 'Problem details (RFC 9457) with a stable `code`',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export function finishOpenApi<T>(doc: T): T {
  const d = doc as unknown as OpenApiDoc;
  d.components ??= {};
  d.components.schemas = { ...d.components.schemas, Problem: z.toJSONSchema(schemas.Problem) };
  for (const item of Object.values(d.paths ?? {})) {
    for (const op of Object.values(item)) {
      op.responses = { ...op.responses, default: PROBLEM };
    }
  }
  const label = d.paths?.['/v1/labels']?.post;
  if (label !== undefined) {
    label.requestBody = {
      required: true,
      content: {
        'application/octet-stream': { schema: BINARY },
        'image/jpeg': { schema: BINARY },
        'image/png': { schema: BINARY },
        'multipart/form-data': {
          schema: { type: 'object', properties: { file: BINARY }, required: ['file'] },
        },
      },
    };
    label.responses = {
      ...label.responses,
      201: {
        description: 'The labeled file',
        headers: {
          'SynthGuard-Produce-Id': {
            schema: { type: 'string' },
            description: 'GB 45438 ProduceID of this file',
          },
          'SynthGuard-Content-Producer': {
            schema: { type: 'string' },
            description: 'ContentProducer written',
          },
          Location: { schema: { type: 'string' }, description: 'URL of the content record' },
        },
        content: fileContent(),
      },
    };
  }
  return doc;
}

/** One binary content entry per media type a registered format handler can label. */
function fileContent(): Record<string, { schema: typeof BINARY }> {
  return Object.fromEntries(
    formatHandlers
      .filter((h) => h.xmp !== undefined || h.aigc !== undefined)
      .map((h) => [h.mediaType, { schema: BINARY }]),
  );
}
