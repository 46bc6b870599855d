import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context.js';
import { Collections } from './collections.js';
import { CompreFaceError, toCompreFaceReply } from './errors.js';
import { CompreFaceKeyStore, type CompreFaceKeyInfo, type ServiceType } from './keys.js';
import { registerCompreFaceRecognition } from './recognition-routes.js';
import type { CompreFaceScope } from './scope.js';
import { registerCompreFaceServices } from './service-routes.js';
import { similarityCoefficients } from './similarity.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The CompreFace service whose key the route needs. */
    compreface?: ServiceType;
  }
}

/** Options of {@link compreFaceApi}. */
export interface CompreFaceOptions {
  /** The key file (default `<pv data folder>/compreface-keys.json`). */
  readonly keyFile?: string;
}

/**
 * The CompreFace-compatible REST API, to register under `/api/v1`: keys from `pv keys` in `x-api-key`
 * (missing → code 20, unknown → 10, another service's key → 12), one face collection per recognition key,
 * errors as `{ message, code }`. Matching goes through pv's {@link Gallery}, inference through the server's
 * worker pool.
 */
export function compreFaceApi(context: ServerContext, options: CompreFaceOptions = {}): (app: FastifyInstance) => Promise<void> {
  return async (app: FastifyInstance): Promise<void> => {
    const keys = new CompreFaceKeyStore(options.keyFile);
    const collections = new Collections({
      serverStore: context.config.store,
      model: context.model,
      metric: context.gallery.metric,
      ...(context.config.storeEncryption ? { encryption: context.config.storeEncryption } : {}),
    });
    const authorised = new WeakMap<FastifyRequest, CompreFaceKeyInfo>();
    const scope: CompreFaceScope = {
      keys,
      collections,
      similarity: similarityCoefficients(context.gallery.metric, context.gallery.threshold),
      keyOf: (request) => {
        const key = authorised.get(request);
        if (!key) throw new CompreFaceError('MISSING_REQUEST_HEADER', "Missing header: 'x-api-key'");
        return key;
      },
    };

    app.setErrorHandler((error, request, reply) => {
      const answer = toCompreFaceReply(error);
      if (answer.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      void reply.code(answer.statusCode).headers(answer.headers).send(answer.body);
    });
    app.setNotFoundHandler((request, reply) => {
      void reply.code(404).send({ message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`, code: 0 });
    });
    // Python clients (CompreFace's Python SDK, so Viseron) write booleans as True/False.
    app.addHook('preValidation', async (request) => {
      const query = request.query as Record<string, unknown>;
      for (const name of ['status', 'detect_faces']) {
        const value = query[name];
        if (typeof value === 'string') query[name] = value.toLowerCase();
      }
    });
    // Before the body is read: refused requests cost no upload parsing and no inference.
    app.addHook('preParsing', async (request, _reply, payload) => {
      const service = request.routeOptions.config.compreface;
      if (!service) return payload;
      const header = request.headers['x-api-key'];
      const presented = typeof header === 'string' ? header.trim() : '';
      if (presented.length === 0) throw new CompreFaceError('MISSING_REQUEST_HEADER', "Missing header: 'x-api-key'");
      const key = keys.lookup(presented);
      if (!key) throw new CompreFaceError('MODEL_NOT_FOUND', 'Model not found');
      if (key.service !== service) throw new CompreFaceError('INCORRECT_MODEL_TYPE', `This key is for the ${key.service} service, not ${service}`);
      authorised.set(request, key);
      return payload;
    });
    app.addHook('onClose', () => collections.close());
    // CompreFace clients send `Content-Type: application/json` on bodiless DELETEs: an empty body is no body.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim().length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(new CompreFaceError('VALIDATION_CONSTRAINT_VIOLATION', 'The body is not valid JSON'), undefined);
      }
    });

    registerCompreFaceRecognition(app, context, scope);
    registerCompreFaceServices(app, context, scope);
    // Static image links (/api/v1/static/{key}/images/{id}): pv keeps no photos, so none exists.
    app.get<{ Params: { apiKey: string; imageId: string } }>('/static/:apiKey/images/:imageId', async (request) => {
      throw new CompreFaceError('IMAGE_NOT_FOUND', `Image with id ${request.params.imageId} not found (pv keeps no photos)`);
    });
  };
}
