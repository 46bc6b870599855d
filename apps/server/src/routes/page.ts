import { createReadStream } from 'node:fs';
import fastifyStatic from '@fastify/static';
import { NotFoundError } from '@pv/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerContext } from '../context.js';

/** The page's Content-Security-Policy: everything from this origin; wasm compilation for onnxruntime-web; webcam and uploads as blobs. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers of the page and its scripts: the CSP, and cross-origin isolation (COOP + COEP), which lets
 * onnxruntime-web use wasm threads in private mode. Everything the page loads is same-origin.
 */
function pageHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', PAGE_CSP);
  void reply.header('cross-origin-opener-policy', 'same-origin');
  void reply.header('cross-origin-embedder-policy', 'require-corp');
}

/**
 * Serves the web page (plain HTML, CSS and JavaScript: nothing to build), the prebuilt
 * `@pv/embedder-onnx-web` browser bundle under `/vendor/pv-web/` when it is built, and the verified model
 * files the browser needs under `/models/<id>/<file>` (the pv models cache layout; only the served models).
 */
export async function registerPageRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { assets } = context;
  await app.register(fastifyStatic, { root: assets.publicDir, prefix: '/', index: ['index.html'], setHeaders: pageHeaders });
  if (assets.browserBundleDir !== undefined) {
    await app.register(fastifyStatic, { root: assets.browserBundleDir, prefix: '/vendor/pv-web/', decorateReply: false, setHeaders: pageHeaders });
  }
  app.get<{ Params: { id: string; file: string } }>(
    '/models/:id/:file',
    { schema: { hide: true } },
    async (request, reply) => {
      const model = assets.modelFiles.get(request.params.id);
      if (!model || model.file !== request.params.file) throw new NotFoundError('No such model file');
      reply.header('content-type', 'application/octet-stream').header('cache-control', 'public, max-age=86400');
      return reply.send(createReadStream(model.path));
    },
  );
}
