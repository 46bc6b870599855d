import { checkLabel, NotFoundError, REVIEW_MODES, type Box, type EmbeddingRecord } from '@pv/core';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { acceptEmbedding } from '../embedding-input.js';
import {
  embeddingBodySchema,
  errorResponses,
  faceIdParamsSchema,
  faceRecordSchema,
  imageUploadSchema,
  jsonOrUpload,
  labelParamsSchema,
} from './schemas.js';
import { enrollAnalyses, enrollRejection, requireImageFor, reviewModeOf } from './analysis.js';
import { checkedUpload, isMultipartRequest, jsonBody, mainFace } from './uploads.js';

/** A stored face as the API shows it: never the embedding. */
export interface FaceView {
  readonly id: string;
  readonly label: string;
  readonly createdAt: string;
  readonly box?: Box;
}

function faceView(record: EmbeddingRecord): FaceView {
  return {
    id: record.id,
    label: record.label,
    createdAt: new Date(record.createdAt).toISOString(),
    ...(record.source?.box ? { box: record.source.box } : {}),
  };
}

/** Body of enroll: an image upload (multipart) or a precomputed embedding (JSON). */
interface EnrollBody {
  readonly image?: unknown;
  readonly embedding?: number[];
  readonly modelId?: string;
}

/** Registers the subject routes (enroll, list, faces of a subject, delete subject, delete face) on a `/v1` scope. */
export function registerSubjectRoutes(app: FastifyInstance, context: ServerContext): void {
  const { store } = context.gallery;

  app.get(
    '/subjects',
    {
      config: { auth: true, scope: 'read' },
      schema: {
        summary: 'List enrolled subjects with their face counts',
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        response: {
          200: {
            type: 'object',
            required: ['subjects'],
            properties: {
              subjects: {
                type: 'array',
                items: { type: 'object', required: ['label', 'count'], properties: { label: { type: 'string' }, count: { type: 'integer' } } },
              },
            },
          },
          ...errorResponses(401, 403, 429),
        },
      },
    },
    async (request) => {
      const subjects = await store.labels();
      await context.audit.record(request, { action: 'search', count: subjects.length, detail: 'list subjects' });
      return { subjects };
    },
  );

  app.get<{ Params: { label: string } }>(
    '/subjects/:label/faces',
    {
      config: { auth: true, scope: 'read' },
      schema: {
        summary: "List a subject's faces (ids, dates, boxes; never embeddings)",
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        params: labelParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['label', 'faces'],
            properties: { label: { type: 'string' }, faces: { type: 'array', items: faceRecordSchema } },
          },
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const { label } = request.params;
      const faces: FaceView[] = [];
      for await (const record of store.records()) if (record.label === label) faces.push(faceView(record));
      if (faces.length === 0) throw new NotFoundError(`No faces are enrolled for "${label}"`, { label });
      await context.audit.record(request, { action: 'search', subjects: [label], recordIds: [faces.map((f) => f.id)], count: faces.length, detail: 'list faces' });
      return { label, faces };
    },
  );

  app.post<{ Params: { label: string }; Querystring: { review?: string }; Body: EnrollBody }>(
    '/subjects/:label/faces',
    {
      config: { auth: true, scope: (request) => (isMultipartRequest(request) ? 'enroll-image' : 'enroll-embedding') },
      schema: {
        summary: 'Enroll a face for a subject: an image (its main face) or a precomputed embedding with its model id',
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        params: labelParamsSchema,
        querystring: {
          type: 'object',
          properties: {
            review: {
              type: 'string',
              enum: [...REVIEW_MODES],
              description:
                'Enrollment review (default: the server setting PV_REVIEW): a face too small, blurred, dark, in profile, with eyes closed or not live is refused with 422 E_FACE_REJECTED, each reason with its measured value and limit',
            },
          },
        },
        body: jsonOrUpload(embeddingBodySchema, imageUploadSchema()),
        response: {
          201: { type: 'object', required: ['face'], properties: { face: faceRecordSchema } },
          ...errorResponses(400, 401, 403, 409, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request, reply) => {
      // The one label rule (checkLabel), before any inference; the gallery applies it again when writing.
      const label = checkLabel(request.params.label);
      let vector: Float32Array;
      let box: Box | undefined;
      const review = reviewModeOf(context, request.query.review);
      if (request.isMultipart()) {
        const face = await mainFace(context, await checkedUpload(context, request.body.image, 'image'), 'image', enrollAnalyses(context, review));
        const rejected = enrollRejection(context, face, review);
        if (rejected) throw rejected;
        vector = face.embedding;
        box = face.detection.box;
      } else {
        if (context.config.requireLive) requireImageFor('PV_REQUIRE_LIVE');
        if (review !== 'off') requireImageFor(`The ${review} review`);
        const body = jsonBody(request.body);
        vector = acceptEmbedding(body.embedding ?? [], body.modelId ?? '', context.model);
      }
      const [record] = await context.gallery.enroll([{ label, embedding: vector, ...(box ? { source: { box } } : {}) }]);
      await context.audit.record(request, { action: 'enroll', subjects: [label], recordIds: [[(record as EmbeddingRecord).id]], count: 1 });
      reply.code(201);
      return { face: faceView(record as EmbeddingRecord) };
    },
  );

  app.delete<{ Params: { label: string } }>(
    '/subjects/:label',
    {
      config: { auth: true, scope: 'admin' },
      schema: {
        summary: "Erase a subject: delete all its faces (an erasure in the store's files) and its name and face ids from the audit trail",
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        params: labelParamsSchema,
        response: {
          200: {
            type: 'object',
            required: ['label', 'deleted'],
            properties: { label: { type: 'string' }, deleted: { type: 'integer', description: 'Faces removed' } },
          },
          ...errorResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const { label } = request.params;
      const { records: deleted } = await context.audit.erase(request, store, label);
      if (deleted === 0) throw new NotFoundError(`No faces are enrolled for "${label}"`, { label });
      return { label, deleted };
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/faces/:id',
    {
      config: { auth: true, scope: 'admin' },
      schema: {
        summary: 'Delete one face by id',
        tags: ['subjects'],
        security: [{ apiKey: [] }],
        params: faceIdParamsSchema,
        response: { 204: { type: 'null', description: 'Deleted' }, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const record = await store.get(id);
      if (!record || !(await store.delete(id))) throw new NotFoundError(`No face has id "${id}"`, { id });
      await context.audit.record(request, { action: 'delete', subjects: [record.label], recordIds: [[id]], count: 1 });
      reply.code(204);
    },
  );
}
