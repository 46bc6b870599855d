import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, inFlight: { type: 'integer', description: 'Inference jobs running or queued' } },
} as const;

/**
 * Registers `/healthz` (liveness: the process answers; answered on the event loop without touching the
 * models, so it stays fast while every worker is busy) and `/readyz` (503 until the models are loaded and
 * once shutdown has begun). Neither needs a key nor counts against the rate limit.
 */
export function registerHealthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'], response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness: 200 when models are loaded and the server is not shutting down', tags: ['health'], response: { 200: statusSchema, 503: statusSchema } } },
    async (_request, reply) => {
      const { phase } = context.lifecycle;
      if (phase !== 'ready') reply.code(503);
      return { status: phase, inFlight: context.inference.inFlight };
    },
  );
}
