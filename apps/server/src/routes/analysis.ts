import {
  ANALYSIS_KINDS,
  enrollmentAnalyses,
  enrollmentReasons,
  faceRejectedError,
  livenessRejection,
  parseAnalysisKinds,
  parseReviewMode,
  reviewFace,
  REVIEW_MODES,
  type AnalysisKind,
  type EncodedFace,
  type FaceRejectedError,
  type ReviewMode,
} from '@pv/core';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { boxSchema, errorResponses, imageUploadSchema } from './schemas.js';
import { facesOfUpload } from './uploads.js';

/** A face's analyses as the API shows them: the fields of `@pv/core`'s `FaceAnalysis`, as `pv analyze --json` prints them. */
export const analysisSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'The analyses asked for: liveness {score, threshold, live}, pose {yaw, pitch, roll}, eyes, age {years}, gender {gender, confidence}, expression, quality',
} as const;

/** The verdict of an enrollment review: `{ mode, accepted, reasons: [{ code, message, measured, limit }] }`. */
export const reviewSchema = {
  type: 'object',
  required: ['mode', 'accepted', 'reasons'],
  properties: {
    mode: { type: 'string' },
    accepted: { type: 'boolean' },
    reasons: {
      type: 'array',
      items: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' }, measured: { type: 'number' }, limit: { type: 'number' } },
      },
    },
  },
} as const;

/** `?analyses=` (comma-separated kinds) of verify, identify and analyze. */
export const analysesQueryProperty = {
  type: 'string',
  description: `Face analyses to return per face, comma-separated: ${ANALYSIS_KINDS.join(', ')}`,
} as const;

/** The kinds of `?analyses=` (400 `E_INVALID_ARGUMENT` naming an unknown one); none when absent. */
export function analysesOf(query: string | undefined): AnalysisKind[] {
  if (query === undefined || query.trim() === '') return [];
  return parseAnalysisKinds(query);
}

/** The analyses a verify or identify request needs: those asked for, and `liveness` under `requireLive`. */
export function recognitionAnalyses(context: ServerContext, asked: readonly AnalysisKind[]): AnalysisKind[] {
  return [...new Set<AnalysisKind>([...asked, ...(context.config.requireLive ? (['liveness'] as const) : [])])];
}

/** Under `requireLive`, the `E_FACE_REJECTED` of a face the liveness check does not call live (`@pv/core`'s one rule). */
export function liveRejection(context: ServerContext, face: EncodedFace): FaceRejectedError | undefined {
  return context.config.requireLive ? livenessRejection(face.analysis) : undefined;
}

/**
 * Refuses a request that sends an embedding where a setting or parameter needs the photo (liveness, a
 * review, analyses): the server cannot check an embedding, so it never lets one through unchecked.
 */
export function requireImageFor(what: string): never {
  throw new ApiError(400, 'E_BAD_REQUEST', `${what} needs the photo: send a multipart image, not an embedding`);
}

/** The review mode of an enroll request: `?review=`, else the server's `review` setting. */
export function reviewModeOf(context: ServerContext, query: string | undefined): ReviewMode {
  return query === undefined ? context.config.review : parseReviewMode(query);
}

/** The analyses enrolling under `mode` (and the server's `requireLive`) needs. */
export function enrollAnalyses(context: ServerContext, mode: ReviewMode): AnalysisKind[] {
  return enrollmentAnalyses(mode, context.config.requireLive);
}

/** `E_FACE_REJECTED` (422, each reason with its measured value and limit) for a face enrollment refuses; nothing when accepted. */
export function enrollRejection(context: ServerContext, face: EncodedFace, mode: ReviewMode): FaceRejectedError | undefined {
  const reasons = enrollmentReasons(face.analysis ?? {}, mode, context.config.requireLive);
  return reasons.length > 0 ? faceRejectedError(reasons, undefined, { review: mode }) : undefined;
}

/** Registers `POST /analyze` on a `/v1` scope. */
export function registerAnalysisRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Querystring: { analyses?: string; review?: string }; Body: { image: unknown } }>(
    '/analyze',
    {
      schema: {
        summary:
          'Every face of an image with its analyses (liveness, pose, eyes, age, gender, expression, quality) and optionally the enrollment review. ' +
          'Uses no enrolled data, so no API key.',
        tags: ['analysis'],
        querystring: {
          type: 'object',
          properties: {
            analyses: { ...analysesQueryProperty, description: `${analysesQueryProperty.description} (default: all)` },
            review: { type: 'string', enum: [...REVIEW_MODES], description: 'Also review each face for enrollment' },
          },
        },
        body: { content: { 'multipart/form-data': { schema: imageUploadSchema() } } },
        response: {
          200: {
            type: 'object',
            required: ['image', 'faces'],
            properties: {
              image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
              faces: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['face', 'box', 'score', 'analysis'],
                  properties: {
                    face: { type: 'integer', description: '1-based, in the detector order' },
                    box: boxSchema,
                    score: { type: 'number' },
                    analysis: analysisSchema,
                    review: reviewSchema,
                  },
                },
              },
            },
          },
          ...errorResponses(400, 413, 415, 422, 429, 503),
        },
      },
    },
    async (request) => {
      const asked = request.query.analyses === undefined ? [...ANALYSIS_KINDS] : analysesOf(request.query.analyses);
      const review = request.query.review === undefined ? undefined : parseReviewMode(request.query.review);
      const kinds = [...new Set<AnalysisKind>([...asked, ...(review ? enrollmentAnalyses(review, false) : [])])];
      const found = await facesOfUpload(context, request.body.image, 'image', 'all', kinds);
      return {
        image: { width: found.width, height: found.height },
        faces: found.faces.map((face, i) => ({
          face: i + 1,
          box: face.detection.box,
          score: face.detection.score,
          analysis: face.analysis ?? {},
          ...(review ? { review: reviewFace(face.analysis ?? {}, review) } : {}),
        })),
      };
    },
  );
}
