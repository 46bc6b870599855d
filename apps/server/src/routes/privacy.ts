import { NotFoundError } from '@pv/core';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { boxSchema, errorResponses, labelParamsSchema } from './schemas.js';

const auditEntrySchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string' },
    actor: { type: 'object', properties: { kind: { type: 'string' }, id: { type: 'string' } } },
    origin: { type: 'string' },
    action: { type: 'string' },
    subjects: {
      type: 'array',
      items: { type: 'object', nullable: true, properties: { label: { type: 'string' }, recordIds: { type: 'array', items: { type: 'string' } } } },
    },
    count: { type: 'integer', nullable: true },
    store: { type: 'string', nullable: true },
    outcome: { type: 'string' },
    detail: { type: 'string', nullable: true },
  },
} as const;

/** Registers a person's requests on a `/v1` scope: `GET /subjects/{label}/export` (admin). */
export function registerPrivacyRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { label: string } }>(
    '/subjects/:label/export',
    {
      config: { auth: true, scope: 'admin' },
      schema: {
        summary: "Everything the server holds about a subject: its faces (with embeddings, boxes, dates, model) and the audit trail's entries naming it",
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        params: labelParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['label', 'exportedAt', 'records', 'sources', 'audit'],
            properties: {
              label: { type: 'string' },
              exportedAt: { type: 'string' },
              records: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'string' },
                    modelId: { type: 'string' },
                    createdAt: { type: 'string' },
                    sourceFile: { type: 'string', nullable: true },
                    box: { ...boxSchema, nullable: true },
                    vector: { type: 'array', items: { type: 'number' } },
                  },
                },
              },
              sources: { type: 'array', items: { type: 'string' } },
              audit: { type: 'array', items: auditEntrySchema },
            },
          },
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const { label } = request.params;
      const data = await context.audit.export(request, context.gallery.store, label);
      if (data === undefined) throw new NotFoundError(`Nothing is held about "${label}"`, { label });
      return data;
    },
  );
}
