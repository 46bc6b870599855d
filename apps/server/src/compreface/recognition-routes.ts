import { randomUUID } from 'node:crypto';
import { checkLabel, type EmbeddingRecord, type Gallery } from '@pv/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { revealedSubjects, type AuditEvent } from '@pv/privacy';
import type { ServerContext } from '../context.js';
import { acceptEmbedding } from '../embedding-input.js';
import { CompreFaceError } from './errors.js';
import { compreFaceBox, facesOf, imageOf, pluginFields, pluginVersions, requestedPlugins, type FaceQuery } from './faces.js';
import type { CompreFaceScope } from './scope.js';
import { toSimilarity } from './similarity.js';

interface RecognizeQuery extends FaceQuery {
  readonly prediction_count?: number;
  readonly detect_faces?: boolean;
}

const faceQuerySchema = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 0 },
    det_prob_threshold: { type: 'number', minimum: 0, maximum: 1 },
    face_plugins: { type: 'string' },
    status: { type: 'boolean' },
    prediction_count: { type: 'integer', minimum: 1 },
    detect_faces: { type: 'boolean' },
  },
} as const;

const subjectBodySchema = {
  type: 'object',
  required: ['subject'],
  properties: { subject: { type: 'string' } },
} as const;

/** A subject name: CompreFace's free text, held to pv's one label rule (code 26 when it breaks it). */
function subjectName(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new CompreFaceError('MISSING_REQUEST_PARAMETER', "Required request parameter 'subject' is not present");
  return checkLabel(value);
}

async function recordsOf(gallery: Gallery, subject?: string): Promise<EmbeddingRecord[]> {
  const records: EmbeddingRecord[] = [];
  for await (const record of gallery.store.records()) if (subject === undefined || record.label === subject) records.push(record);
  return records.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

async function faceById(gallery: Gallery, imageId: string): Promise<EmbeddingRecord> {
  const record = await gallery.store.get(imageId);
  if (!record) throw new CompreFaceError('EMBEDDING_NOT_FOUND', `Embedding with image_id ${imageId} not found`);
  return record;
}

/** Registers CompreFace's recognition service (subjects, faces, recognize, verify, embeddings) on a scope. */
export function registerCompreFaceRecognition(app: FastifyInstance, context: ServerContext, scope: CompreFaceScope): void {
  const config = { compreface: 'recognition' } as const;
  const collection = async (request: FastifyRequest): Promise<{ gallery: Gallery; id: string; subjects: readonly string[] }> => {
    const key = scope.keyOf(request);
    return { gallery: await scope.collections.gallery(key.id), id: key.id, subjects: key.subjects };
  };
  // The audit trail of the request's collection, naming its key's id (never the key).
  const audit = (request: FastifyRequest, event: AuditEvent): Promise<void> => {
    const { id } = scope.keyOf(request);
    return context.audit.record(request, event, { store: scope.collections.storeUri(id), keyId: id });
  };
  const erase = async (request: FastifyRequest, gallery: Gallery, subject: string): Promise<number> => {
    const { id } = scope.keyOf(request);
    return (await context.audit.erase(request, gallery.store, subject, { store: scope.collections.storeUri(id), keyId: id })).records;
  };
  const allSubjects = async (gallery: Gallery, explicit: readonly string[]): Promise<string[]> => {
    const labels = (await gallery.store.labels()).map((l) => l.label);
    return [...new Set([...explicit, ...labels])].sort();
  };

  app.post<{ Body: { subject: string } }>('/recognition/subjects', { config, schema: { body: subjectBodySchema } }, async (request) => {
    const { gallery, id, subjects } = await collection(request);
    const subject = subjectName(request.body.subject);
    if ((await allSubjects(gallery, subjects)).includes(subject)) throw new CompreFaceError('SUBJECT_ALREADY_EXISTS', 'Subject already exists');
    scope.keys.setSubjects(id, [...subjects, subject]);
    await audit(request, { action: 'enroll', subjects: [subject], count: 0, detail: 'compreface: subject created' });
    return { subject };
  });

  app.get('/recognition/subjects', { config }, async (request) => {
    const { gallery, subjects } = await collection(request);
    const all = await allSubjects(gallery, subjects);
    await audit(request, { action: 'search', count: all.length, detail: 'compreface: list subjects' });
    return { subjects: all };
  });

  app.put<{ Params: { subject: string }; Body: { subject: string } }>(
    '/recognition/subjects/:subject',
    { config, schema: { body: subjectBodySchema } },
    async (request) => {
      const { gallery, id, subjects } = await collection(request);
      const from = request.params.subject;
      const to = subjectName(request.body.subject);
      if (!(await allSubjects(gallery, subjects)).includes(from)) throw new CompreFaceError('SUBJECT_NOT_FOUND', `Subject ${from} is not found`);
      if (from === to) return { updated: false };
      // Rename = merge: every face of `from` moves to `to`, keeping its image_id.
      const moved = await recordsOf(gallery, from);
      await gallery.store.deleteLabel(from);
      await gallery.enroll(moved.map((r) => ({ id: r.id, label: to, embedding: r.vector, ...(r.source ? { source: r.source } : {}) })));
      scope.keys.setSubjects(id, [...subjects.filter((s) => s !== from), ...(subjects.includes(from) ? [to] : [])]);
      await audit(request, { action: 'enroll', subjects: [to, from], recordIds: [moved.map((r) => r.id), []], count: moved.length, detail: 'compreface: subject renamed' });
      return { updated: true };
    },
  );

  app.delete<{ Params: { subject: string } }>('/recognition/subjects/:subject', { config }, async (request) => {
    const { gallery, id, subjects } = await collection(request);
    const { subject } = request.params;
    const deleted = await erase(request, gallery, subject);
    if (deleted === 0 && !subjects.includes(subject)) throw new CompreFaceError('SUBJECT_NOT_FOUND', `Subject ${subject} is not found`);
    scope.keys.setSubjects(id, subjects.filter((s) => s !== subject));
    return { subject };
  });

  app.delete('/recognition/subjects', { config }, async (request) => {
    const { gallery, id, subjects } = await collection(request);
    const all = await allSubjects(gallery, subjects);
    for (const subject of all) await erase(request, gallery, subject);
    scope.keys.setSubjects(id, []);
    return { deleted: all.length };
  });

  app.post<{ Querystring: { subject?: string; det_prob_threshold?: number } }>(
    '/recognition/faces',
    {
      config,
      schema: { querystring: { type: 'object', properties: { subject: { type: 'string' }, det_prob_threshold: { type: 'number', minimum: 0, maximum: 1 } } } },
    },
    async (request) => {
      const subject = subjectName(request.query.subject);
      const { gallery } = await collection(request);
      const bytes = await imageOf(context, request.body, 'file', request.isMultipart());
      const faces = await facesOf(context, bytes, request.query);
      if (faces.length > 1) throw new CompreFaceError('TOO_MANY_FACES', 'There is more than one face in the image');
      const face = faces[0];
      if (!face) throw new CompreFaceError('NO_FACES_FOUND', 'No face is found in the given image');
      const [record] = await gallery.enroll([{ id: randomUUID(), label: subject, embedding: face.embedding, source: { box: face.detection.box } }]);
      await audit(request, { action: 'enroll', subjects: [subject], recordIds: [record ? [record.id] : []], count: record ? 1 : 0 });
      return { image_id: record?.id, subject };
    },
  );

  app.get<{ Querystring: { page: number; size: number; subject?: string } }>(
    '/recognition/faces',
    {
      config,
      schema: {
        querystring: {
          type: 'object',
          properties: { page: { type: 'integer', minimum: 0, default: 0 }, size: { type: 'integer', minimum: 1, default: 20 }, subject: { type: 'string' } },
        },
      },
    },
    async (request) => {
      const { page, size, subject } = request.query;
      const { gallery } = await collection(request);
      const records = await recordsOf(gallery, subject || undefined);
      await audit(request, { action: 'search', ...(subject ? { subjects: [subject] } : {}), count: records.length, detail: 'compreface: list faces' });
      return {
        faces: records.slice(page * size, (page + 1) * size).map((r) => ({ image_id: r.id, subject: r.label })),
        page_number: page,
        page_size: size,
        total_pages: Math.ceil(records.length / size),
        total_elements: records.length,
      };
    },
  );

  app.delete<{ Querystring: { subject?: string } }>(
    '/recognition/faces',
    { config, schema: { querystring: { type: 'object', properties: { subject: { type: 'string' } } } } },
    async (request) => {
      const { gallery } = await collection(request);
      const { subject } = request.query;
      const labels = subject ? [subject] : (await gallery.store.labels()).map((l) => l.label);
      let deleted = 0;
      for (const label of labels) deleted += await gallery.store.deleteLabel(label);
      await audit(request, { action: 'delete', subjects: labels, count: deleted, detail: 'compreface: delete faces' });
      return { deleted };
    },
  );

  app.delete<{ Params: { image_id: string } }>('/recognition/faces/:image_id', { config }, async (request) => {
    const { gallery } = await collection(request);
    const record = await faceById(gallery, request.params.image_id);
    await gallery.store.delete(record.id);
    await audit(request, { action: 'delete', subjects: [record.label], recordIds: [[record.id]], count: 1 });
    return { image_id: record.id, subject: record.label };
  });

  app.post<{ Body: unknown }>('/recognition/faces/delete', { config }, async (request) => {
    if (!Array.isArray(request.body) || !request.body.every((id) => typeof id === 'string')) {
      throw new CompreFaceError('VALIDATION_CONSTRAINT_VIOLATION', 'The body must be a JSON list of image ids');
    }
    const { gallery } = await collection(request);
    const deleted: { image_id: string; subject: string }[] = [];
    for (const id of request.body as string[]) {
      const record = await gallery.store.get(id);
      if (record && (await gallery.store.delete(id))) deleted.push({ image_id: id, subject: record.label });
    }
    const labels = [...new Set(deleted.map((d) => d.subject))];
    await audit(request, { action: 'delete', subjects: labels, recordIds: labels.map((l) => deleted.filter((d) => d.subject === l).map((d) => d.image_id)), count: deleted.length });
    return deleted;
  });

  // pv keeps embeddings, never photos: a stored face has no image to download.
  app.get<{ Params: { image_id: string } }>('/recognition/faces/:image_id/img', { config }, async (request) => {
    const { gallery } = await collection(request);
    await faceById(gallery, request.params.image_id);
    throw new CompreFaceError('IMAGE_NOT_FOUND', `Image with id ${request.params.image_id} not found (pv keeps no photos)`);
  });

  app.post<{ Params: { image_id: string }; Querystring: FaceQuery }>(
    '/recognition/faces/:image_id/verify',
    { config, schema: { querystring: faceQuerySchema } },
    async (request) => {
      const { gallery } = await collection(request);
      const stored = await faceById(gallery, request.params.image_id);
      const plugins = requestedPlugins(request.query.face_plugins);
      const faces = await facesOf(context, await imageOf(context, request.body, 'file', request.isMultipart()), request.query);
      const result = faces.map((face) => ({
        box: compreFaceBox(face.detection.box, face.detection.score),
        similarity: toSimilarity(gallery.compare(face.embedding, stored.vector).distance, scope.similarity),
        ...pluginFields(face, plugins),
      }));
      await audit(request, { action: 'search', subjects: [stored.label], recordIds: [[stored.id]], count: faces.length, detail: 'compreface: verify' });
      return { result, ...(request.query.status ? { plugins_versions: pluginVersions(context, plugins) } : {}) };
    },
  );

  app.post<{ Querystring: RecognizeQuery }>('/recognition/recognize', { config, schema: { querystring: faceQuerySchema } }, async (request) => {
    const { gallery } = await collection(request);
    const plugins = requestedPlugins(request.query.face_plugins);
    const k = request.query.prediction_count ?? 1;
    const started = performance.now();
    const faces = await facesOf(context, await imageOf(context, request.body, 'file', request.isMultipart()), request.query);
    const elapsed = Math.round(performance.now() - started);
    const result = [];
    for (const face of faces) {
      const { candidates } = await gallery.identify(face.embedding, { k });
      result.push({
        box: compreFaceBox(face.detection.box, face.detection.score),
        subjects: candidates.map((c) => ({ subject: c.label, similarity: toSimilarity(c.distance, scope.similarity) })),
        ...pluginFields(face, plugins),
        ...(request.query.status ? { execution_time: { detector_and_calculator: elapsed } } : {}),
      });
    }
    await audit(request, { action: 'search', subjects: revealedSubjects(result.flatMap((r) => r.subjects.map((s) => s.subject))), count: result.length, detail: 'compreface: recognize' });
    return { result, ...(request.query.status ? { plugins_versions: pluginVersions(context, plugins) } : {}) };
  });

  const embeddingsOf = (body: unknown): Float32Array[] => {
    const list = (body as { embeddings?: unknown } | null)?.embeddings;
    if (!Array.isArray(list) || list.length === 0) throw new CompreFaceError('WRONG_EMBEDDING_COUNT', 'At least one embedding is required');
    return list.map((values: unknown) => {
      if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) {
        throw new CompreFaceError('VALIDATION_CONSTRAINT_VIOLATION', 'Each embedding must be a list of numbers');
      }
      return acceptEmbedding(values as number[], context.model.id, context.model);
    });
  };

  app.post<{ Querystring: { prediction_count?: number } }>(
    '/recognition/embeddings/recognize',
    { config, schema: { querystring: { type: 'object', properties: { prediction_count: { type: 'integer', minimum: 1 } } } } },
    async (request) => {
      const { gallery } = await collection(request);
      const k = request.query.prediction_count ?? 1;
      const result = [];
      for (const embedding of embeddingsOf(request.body)) {
        const { candidates } = await gallery.identify(embedding, { k });
        result.push({
          embedding: Array.from(embedding),
          similarities: candidates.map((c) => ({ subject: c.label, similarity: toSimilarity(c.distance, scope.similarity) })),
        });
      }
      await audit(request, { action: 'search', subjects: revealedSubjects(result.flatMap((r) => r.similarities.map((s) => s.subject))), count: result.length, detail: 'compreface: recognize embeddings' });
      return { result };
    },
  );

  app.post<{ Params: { image_id: string } }>('/recognition/embeddings/faces/:image_id/verify', { config }, async (request) => {
    const { gallery } = await collection(request);
    const stored = await faceById(gallery, request.params.image_id);
    const result = embeddingsOf(request.body).map((embedding) => ({
      embedding: Array.from(embedding),
      similarity: toSimilarity(gallery.compare(embedding, stored.vector).distance, scope.similarity),
    }));
    await audit(request, { action: 'search', subjects: [stored.label], recordIds: [[stored.id]], count: result.length, detail: 'compreface: verify embeddings' });
    return { result };
  });
}
