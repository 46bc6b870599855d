import fastifyCors from '@fastify/cors';
import fastifyMultipart, { ajvFilePlugin } from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ApiError, asMultipartError, toErrorReply } from './api-error.js';
import { presentedKey, type KeyCheck, type Scope } from './api-keys.js';
import { compreFaceApi } from './compreface/plugin.js';
import type { ServerContext } from './context.js';
import { checkRawEmbeddings } from './embedding-input.js';
import { ShedLog } from './shed-log.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerPageRoutes } from './routes/page.js';
import { registerPrivacyRoutes } from './routes/privacy.js';
import { registerRecognitionRoutes } from './routes/recognition.js';
import { registerAnalysisRoutes } from './routes/analysis.js';
import { registerSubjectRoutes } from './routes/subjects.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs a valid API key (mutations and reads that reveal identities). */
    auth?: boolean;
    /**
     * The scope that key must hold (default `read`), or how to tell it from the request before its body is
     * read (enroll: `enroll-image` for an upload, `enroll-embedding` for a raw embedding).
     */
    scope?: Scope | ((request: FastifyRequest) => Scope);
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
    // What the router refuses (a malformed percent-encoding, a path parameter over maxParamLength) is
    // answered in pv's error format like everything else.
    frameworkErrors: (error, _request, reply) => {
      const answer = toErrorReply(error);
      void (reply as FastifyReply).code(answer.statusCode).headers(answer.headers).send(answer.body);
    },
  });

  // Load shedding (a 503 the server answers on purpose) is expected under overload: warn, no stack, rate-limited.
  const shedLog = new ShedLog(({ code, suppressed }) => app.log.warn({ code, status: 503, suppressed }, 'load shed'));
  // Requests whose multipart body is being parsed: anything that fails there is the client's malformed body.
  const parsingMultipart = new WeakSet<FastifyRequest>();
  app.setErrorHandler((error, request, reply) => {
    const answer = parsingMultipart.has(request) ? toErrorReply(asMultipartError(error)) : toErrorReply(error);
    if (error instanceof ApiError && answer.statusCode === 503) shedLog.note(answer.body.error.code);
    else if (answer.statusCode >= 500) request.log.error({ err: error }, 'request failed');
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
          '(Authorization: Bearer <key> or X-API-Key): 401 when none is sent, 403 when it is not valid or lacks the ' +
          "route's scope (read, enroll-image, enroll-embedding, admin; enroll-embedding is never granted by default).",
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from PV_API_KEYS (X-API-Key: <key> works too)' },
        },
      },
    },
  });
  app.addHook('preValidation', async (request) => {
    if (request.isMultipart()) parsingMultipart.add(request);
  });
  await app.register(fastifyMultipart, { attachFieldsToBody: true, limits: { ...MULTIPART_LIMITS, fileSize: config.maxImageBytes } });
  app.addHook('preValidation', async (request) => {
    parsingMultipart.delete(request);
  });

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
        const wanted = request.routeOptions.config.scope ?? 'read';
        const scope = typeof wanted === 'function' ? wanted(request) : wanted;
        if (!check.scopes.has(scope)) {
          throw new ApiError(403, 'E_FORBIDDEN', `The API key lacks the scope "${scope}"`, { details: { scope } });
        }
        return payload;
      });
      // Raw JSON embeddings are checked before schema validation, which would coerce "0.5" and null to numbers.
      v1.addHook('preValidation', async (request) => {
        if (!request.isMultipart()) checkRawEmbeddings(request.body);
      });
      registerSubjectRoutes(v1, context);
      registerRecognitionRoutes(v1, context);
      registerPrivacyRoutes(v1, context);
      registerAnalysisRoutes(v1, context);
    },
    { prefix: '/v1' },
  );

  await app.register(compreFaceApi(context), { prefix: '/api/v1' });
  if (config.page) await registerPageRoutes(app, context);
  return app;
}
