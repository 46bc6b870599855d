import fastifyCors from '@fastify/cors';
import fastifyMultipart, { ajvFilePlugin } from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ApiError, toErrorReply } from './api-error.js';
import { presentedKey, type KeyCheck } from './api-keys.js';
import { compreFaceApi } from './compreface/plugin.js';
import type { ServerContext } from './context.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerPageRoutes } from './routes/page.js';
import { registerRecognitionRoutes } from './routes/recognition.js';
import { registerSubjectRoutes } from './routes/subjects.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs a valid API key (mutations and reads that reveal identities). */
    auth?: boolean;
  }
}

/** The package version shown in the OpenAPI document. */
const API_VERSION = '1.0.0';

/** Multipart parts per request: at most two files (compare) and a few small text fields. */
const MULTIPART_LIMITS = { files: 2, fields: 4, fieldSize: 1024, parts: 6 } as const;

/**
 * Builds the Fastify application: the `/v1` API (API keys, rate limit, optional CORS), health checks,
 * `/openapi.json` generated from the route schemas, the web page, uniform JSON errors (never a stack trace
 * or a file path) and security headers. It does not listen; {@link startServer} does.
 */
export async function buildApp(context: ServerContext, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const { config } = context;
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    requestTimeout: 120_000,
    // A label of 128 characters, percent-encoded as UTF-8, is up to 1,536 characters of path: labels are
    // judged by the one label rule, never cut off by the router (its default of 100 answered 414).
    routerOptions: { maxParamLength: 2048 },
    ajv: { plugins: [ajvFilePlugin] },
  });

  app.setErrorHandler((error, request, reply) => {
    const answer = toErrorReply(error);
    if (answer.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: answer.body.error.code, status: answer.statusCode }, 'request refused');
    void reply.code(answer.statusCode).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: { code: 'E_ROUTE_NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}` } });
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (request.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    // While shutting down, answers close their connection, so kept-alive clients do not hold the server open.
    if (context.lifecycle.phase === 'draining') reply.header('connection', 'close');
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'pv demo server',
        version: API_VERSION,
        description:
          'Face enrolment, verification and identification. Mutations and identity-revealing reads need an API key ' +
          '(Authorization: Bearer <key> or X-API-Key): 401 when none is sent, 403 when it is not valid.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from PV_API_KEYS (X-API-Key: <key> works too)' },
        },
      },
    },
  });
  await app.register(fastifyMultipart, { attachFieldsToBody: true, limits: { ...MULTIPART_LIMITS, fileSize: config.maxImageBytes } });

  registerHealthRoutes(app, context);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (v1) => {
      // Bodies are JSON or multipart only: anything else (text/plain included) is 415.
      v1.removeContentTypeParser('text/plain');
      const checks = new WeakMap<FastifyRequest, KeyCheck>();
      const checkKey = (request: FastifyRequest): KeyCheck => {
        let check = checks.get(request);
        if (!check) {
          check = context.keys.check(presentedKey(request.headers));
          checks.set(request, check);
        }
        return check;
      };
      if (config.corsOrigins.length > 0) {
        await v1.register(fastifyCors, {
          origin: [...config.corsOrigins],
          methods: ['GET', 'POST', 'DELETE'],
          allowedHeaders: ['authorization', 'x-api-key', 'content-type'],
          maxAge: 600,
        });
      }
      await v1.register(fastifyRateLimit, {
        max: config.rateLimitMax,
        timeWindow: config.rateLimitWindowMs,
        // Per API key when a valid one is sent, else per client address (so guessing keys is limited too).
        keyGenerator: (request) => {
          const check = checkKey(request);
          return check.kind === 'valid' ? check.keyId : `ip:${request.ip}`;
        },
        errorResponseBuilder: (_request, limit) =>
          new ApiError(429, 'E_RATE_LIMITED', `Too many requests; retry in ${limit.after}`, {
            details: { limit: limit.max, windowMs: config.rateLimitWindowMs },
          }),
      });
      // preParsing: after the rate limit (a route-level onRequest hook) has counted the request, before any
      // body is read, so refused uploads cost nothing and refused attempts still count.
      v1.addHook('preParsing', async (request, _reply, payload) => {
        if (!request.routeOptions.config.auth) return payload;
        const check = checkKey(request);
        if (check.kind === 'missing') {
          throw new ApiError(401, 'E_UNAUTHORIZED', 'An API key is required (Authorization: Bearer <key> or X-API-Key: <key>)', {
            headers: { 'www-authenticate': 'Bearer' },
          });
        }
        if (check.kind === 'invalid') throw new ApiError(403, 'E_FORBIDDEN', 'The API key is not valid');
        return payload;
      });
      registerSubjectRoutes(v1, context);
      registerRecognitionRoutes(v1, context);
    },
    { prefix: '/v1' },
  );

  await app.register(compreFaceApi(context), { prefix: '/api/v1' });
  if (config.page) await registerPageRoutes(app, context);
  return app;
}
