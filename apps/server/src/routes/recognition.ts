import { errorToData, UNKNOWN_LABEL, type Box, type ErrorData, type FaceAnalysis, type FaceDetection, type Identification } from '@pv/core';
import { revealedSubjects } from '@pv/privacy';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { acceptEmbedding } from '../embedding-input.js';
import {
  boxSchema,
  candidateSchema,
  compareUploadSchema,
  detectedFaceSchema,
  embeddingBodySchema,
  errorResponses,
  facesBodySchema,
  identifyQuerySchema,
  imageUploadSchema,
  jsonOrUpload,
  labelParamsSchema,
} from './schemas.js';
import { analysesOf, analysesQueryProperty, analysisSchema, liveRejection, recognitionAnalyses, requireImageFor } from './analysis.js';
import { checkedUpload, facesOfUpload, jsonBody, mainFace } from './uploads.js';

/** A detected face as the API shows it. */
function detectedFace(detection: FaceDetection): { box: Box; score: number } {
  return { box: detection.box, score: detection.score };
}

/** Body of verify: an image (multipart) or an embedding (JSON). */
interface VerifyBody {
  readonly image?: unknown;
  readonly embedding?: number[];
  readonly modelId?: string;
}

/** Body of identify: an image (multipart) or embeddings of every face with their boxes (JSON). */
interface IdentifyBody {
  readonly image?: unknown;
  readonly modelId?: string;
  readonly faces?: { readonly embedding: number[]; readonly box?: Box; readonly score?: number }[];
}

/** One face of an identify answer. */
interface IdentifiedFaceView extends Identification {
  readonly box?: Box;
  readonly score?: number;
  readonly analysis?: FaceAnalysis;
  readonly rejected?: ErrorData;
}

/** A refused face as the API shows it: code, message and details (the reasons with measured values). */
const rejectedSchema = {
  type: 'object',
  description: 'Set when PV_REQUIRE_LIVE refused the face (E_FACE_REJECTED); it was not identified',
  properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
} as const;

/** Registers info, verify, identify and compare on a `/v1` scope. */
export function registerRecognitionRoutes(app: FastifyInstance, context: ServerContext): void {
  const { gallery, model } = context;

  app.get(
    '/info',
    {
      schema: {
        summary: 'The model, metric, threshold and upload limits of this server (no identities)',
        tags: ['recognition'],
        response: {
          200: {
            type: 'object',
            required: ['model', 'metric', 'threshold', 'limits', 'privateMode'],
            properties: {
              model: { type: 'object', required: ['id', 'dimension'], properties: { id: { type: 'string' }, dimension: { type: 'integer' } } },
              metric: { type: 'string' },
              threshold: { type: 'number' },
              limits: {
                type: 'object',
                properties: { maxImageBytes: { type: 'integer' }, maxPixels: { type: 'integer' }, maxBodyBytes: { type: 'integer' } },
              },
              privateMode: { type: 'boolean', description: 'Whether the page can run detection and embedding in the browser' },
            },
          },
        },
      },
    },
    async () => ({
      model: { id: model.id, dimension: model.dimension },
      metric: model.metric,
      threshold: model.threshold,
      limits: { maxImageBytes: context.config.maxImageBytes, maxPixels: context.config.maxPixels, maxBodyBytes: context.config.maxBodyBytes },
      privateMode: context.assets.browserBundleDir !== undefined,
    }),
  );

  app.post<{ Params: { label: string }; Querystring: { analyses?: string }; Body: VerifyBody }>(
    '/subjects/:label/verify',
    {
      config: { auth: true, scope: 'read' },
      schema: {
        summary: "Does this face (an image's main face, or an embedding) belong to the subject?",
        tags: ['recognition'],
        security: [{ apiKey: [] }],
        params: labelParamsSchema,
        querystring: { type: 'object', properties: { analyses: analysesQueryProperty } },
        body: jsonOrUpload(embeddingBodySchema, imageUploadSchema()),
        response: {
          200: {
            type: 'object',
            required: ['label', 'match', 'prediction', 'distance', 'nearestDistance', 'threshold'],
            properties: {
              label: { type: 'string' },
              match: { type: 'boolean' },
              prediction: { type: 'string', description: 'Nearest subject overall, or "unknown" beyond the threshold' },
              distance: { type: 'number', description: "Distance to the subject's nearest face" },
              nearestDistance: { type: 'number' },
              threshold: { type: 'number' },
              face: { ...detectedFaceSchema, properties: { ...detectedFaceSchema.properties, analysis: analysisSchema } },
            },
          },
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const { label } = request.params;
      const asked = analysesOf(request.query.analyses);
      let embedding: Float32Array;
      let face: { box: Box; score: number; analysis?: FaceAnalysis } | undefined;
      if (request.isMultipart()) {
        const found = await mainFace(context, await checkedUpload(context, request.body.image, 'image'), 'image', recognitionAnalyses(context, asked));
        // PV_REQUIRE_LIVE: a face the liveness check does not call live is refused (422 E_FACE_REJECTED) before any comparison.
        const rejected = liveRejection(context, found);
        if (rejected) throw rejected;
        embedding = found.embedding;
        face = { ...detectedFace(found.detection), ...(found.analysis ? { analysis: found.analysis } : {}) };
      } else {
        if (context.config.requireLive) requireImageFor('PV_REQUIRE_LIVE');
        if (asked.length > 0) requireImageFor('analyses');
        const body = jsonBody(request.body);
        embedding = acceptEmbedding(body.embedding ?? [], body.modelId ?? '', model);
      }
      const verification = await gallery.verify(embedding, label);
      await context.audit.record(request, { action: 'search', subjects: revealedSubjects([label, verification.prediction]), count: 1, detail: 'verify' });
      return { label, ...verification, threshold: gallery.threshold, ...(face ? { face } : {}) };
    },
  );

  app.post<{ Querystring: { k: number; analyses?: string }; Body: IdentifyBody }>(
    '/identify',
    {
      config: { auth: true, scope: 'read' },
      schema: {
        summary: 'Identify every face: an image (server mode) or embeddings with boxes (private mode); top-k subjects each',
        tags: ['recognition'],
        security: [{ apiKey: [] }],
        querystring: { ...identifyQuerySchema, properties: { ...identifyQuerySchema.properties, analyses: analysesQueryProperty } },
        body: jsonOrUpload(facesBodySchema, imageUploadSchema()),
        response: {
          200: {
            type: 'object',
            required: ['faces', 'threshold', 'metric'],
            properties: {
              image: {
                type: 'object',
                description: 'Decoded size (after EXIF rotation), for image uploads',
                properties: { width: { type: 'integer' }, height: { type: 'integer' } },
              },
              metric: { type: 'string' },
              threshold: { type: 'number' },
              faces: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['prediction', 'candidates'],
                  properties: {
                    box: boxSchema,
                    score: { type: 'number' },
                    prediction: { type: 'string', description: 'Best subject within the threshold, else "unknown"' },
                    candidates: { type: 'array', items: candidateSchema },
                    analysis: analysisSchema,
                    rejected: rejectedSchema,
                  },
                },
              },
            },
          },
          ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const { k } = request.query;
      const asked = analysesOf(request.query.analyses);
      const faces: IdentifiedFaceView[] = [];
      let image: { width: number; height: number } | undefined;
      if (request.isMultipart()) {
        const found = await facesOfUpload(context, request.body.image, 'image', 'all', recognitionAnalyses(context, asked));
        image = { width: found.width, height: found.height };
        for (const face of found.faces) {
          const analysis = face.analysis ? { analysis: face.analysis } : {};
          // PV_REQUIRE_LIVE: a face that is not live is reported, not identified; the other faces are answered.
          const rejected = liveRejection(context, face);
          const answer = rejected
            ? { prediction: UNKNOWN_LABEL, candidates: [], threshold: gallery.threshold, rejected: errorToData(rejected) }
            : await gallery.identify(face.embedding, { k });
          faces.push({ ...detectedFace(face.detection), ...answer, ...analysis });
        }
      } else {
        if (context.config.requireLive) requireImageFor('PV_REQUIRE_LIVE');
        if (asked.length > 0) requireImageFor('analyses');
        const body = jsonBody(request.body);
        const modelId = body.modelId ?? '';
        for (const face of body.faces ?? []) {
          const embedding = acceptEmbedding(face.embedding, modelId, model);
          faces.push({
            ...(face.box ? { box: face.box } : {}),
            ...(face.score !== undefined ? { score: face.score } : {}),
            ...(await gallery.identify(embedding, { k })),
          });
        }
      }
      await context.audit.record(request, { action: 'search', subjects: revealedSubjects(faces.flatMap((f) => f.candidates.map((c) => c.label))), count: faces.length, detail: 'identify' });
      return { ...(image ? { image } : {}), metric: model.metric, threshold: gallery.threshold, faces };
    },
  );

  app.post<{ Body: { a: unknown; b: unknown } }>(
    '/compare',
    {
      schema: {
        summary: 'Are the main faces of two images the same person? (Uses no enrolled data, so no API key.)',
        tags: ['recognition'],
        body: { content: { 'multipart/form-data': { schema: compareUploadSchema() } } },
        response: {
          200: {
            type: 'object',
            required: ['match', 'distance', 'threshold', 'metric', 'faces'],
            properties: {
              match: { type: 'boolean' },
              distance: { type: 'number' },
              threshold: { type: 'number' },
              metric: { type: 'string' },
              faces: { type: 'object', properties: { a: detectedFaceSchema, b: detectedFaceSchema } },
            },
          },
          ...errorResponses(400, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      // Both uploads are checked before either is embedded, so a bad second file costs no inference.
      const [bytesA, bytesB] = await Promise.all([checkedUpload(context, request.body.a, 'a'), checkedUpload(context, request.body.b, 'b')]);
      const [a, b] = await Promise.all([mainFace(context, bytesA, 'a'), mainFace(context, bytesB, 'b')]);
      const { match, distance, threshold } = gallery.compare(a.embedding, b.embedding);
      return {
        match,
        distance,
        threshold,
        metric: model.metric,
        faces: { a: detectedFace(a.detection), b: detectedFace(b.detection) },
      };
    },
  );
}
