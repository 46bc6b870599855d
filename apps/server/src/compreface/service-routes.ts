import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { compreFaceBox, facesOf, imageOf, pluginFields, pluginVersions, requestedPlugins, type FaceQuery } from './faces.js';
import type { CompreFaceScope } from './scope.js';
import { toSimilarity } from './similarity.js';

const querySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0 },
    det_prob_threshold: { type: 'number', minimum: 0, maximum: 1 },
    face_plugins: { type: 'string' },
    status: { type: 'boolean' },
  },
} as const;

/** Registers CompreFace's detection (`/detection/detect`) and verification (`/verification/verify`) services. */
export function registerCompreFaceServices(app: FastifyInstance, context: ServerContext, scope: CompreFaceScope): void {
  app.post<{ Querystring: FaceQuery }>(
    '/detection/detect',
    { config: { compreface: 'detection' }, schema: { querystring: querySchema } },
    async (request) => {
      const plugins = requestedPlugins(request.query.face_plugins);
      const faces = await facesOf(context, await imageOf(context, request.body, 'file', request.isMultipart()), request.query);
      const result = faces.map((face) => ({ box: compreFaceBox(face.detection.box, face.detection.score), ...pluginFields(face, plugins) }));
      return { result, ...(request.query.status ? { plugins_versions: pluginVersions(context, plugins) } : {}) };
    },
  );

  app.post<{ Querystring: FaceQuery }>(
    '/verification/verify',
    { config: { compreface: 'verification' }, schema: { querystring: querySchema } },
    async (request) => {
      const plugins = requestedPlugins(request.query.face_plugins);
      const multipart = request.isMultipart();
      // Both images are checked before either is embedded, so a bad second image costs no inference.
      const [sourceBytes, targetBytes] = await Promise.all([
        imageOf(context, request.body, 'source_image', multipart),
        imageOf(context, request.body, 'target_image', multipart),
      ]);
      const [sourceFaces, targetFaces] = await Promise.all([
        facesOf(context, sourceBytes, { ...request.query, limit: 1 }),
        facesOf(context, targetBytes, request.query),
      ]);
      const source = sourceFaces[0];
      const result = source
        ? [
            {
              source_image_face: { box: compreFaceBox(source.detection.box, source.detection.score), ...pluginFields(source, plugins) },
              face_matches: targetFaces
                .map((face) => ({
                  box: compreFaceBox(face.detection.box, face.detection.score),
                  similarity: toSimilarity(context.gallery.compare(source.embedding, face.embedding).distance, scope.similarity),
                  ...pluginFields(face, plugins),
                }))
                .sort((a, b) => b.similarity - a.similarity),
            },
          ]
        : [];
      return { result, ...(request.query.status ? { plugins_versions: pluginVersions(context, plugins) } : {}) };
    },
  );
}
