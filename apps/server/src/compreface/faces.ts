import type { MultipartFile } from '@fastify/multipart';
import type { Box, EncodedFace } from '@pv/core';
import type { ServerContext } from '../context.js';
import { checkImageHeader } from '../image-check.js';
import { CompreFaceError } from './errors.js';

/** A CompreFace box: integer pixels of the original image, and the detector's confidence. */
export interface CompreFaceBox {
  readonly probability: number;
  readonly x_max: number;
  readonly y_max: number;
  readonly x_min: number;
  readonly y_min: number;
}

/** The plugins pv can answer (`face_plugins`); others are refused with code 26. */
export const SUPPORTED_PLUGINS = ['landmarks', 'calculator'] as const;

/** The query parameters shared by recognize, detect and verify. */
export interface FaceQuery {
  readonly limit?: number;
  readonly det_prob_threshold?: number;
  readonly face_plugins?: string;
  readonly status?: boolean;
}

/** The box of a face as CompreFace shows it. */
export function compreFaceBox(box: Box, score: number): CompreFaceBox {
  return {
    probability: Math.round(score * 1e5) / 1e5,
    x_max: Math.round(box.x + box.width),
    y_max: Math.round(box.y + box.height),
    x_min: Math.round(box.x),
    y_min: Math.round(box.y),
  };
}

/** The plugins asked for (comma-separated slugs); unknown or unavailable ones are refused. */
export function requestedPlugins(facePlugins: string | undefined): Set<string> {
  const asked = (facePlugins ?? '')
    .split(',')
    .map((slug) => slug.trim())
    .filter((slug) => slug.length > 0);
  for (const slug of asked) {
    if (!(SUPPORTED_PLUGINS as readonly string[]).includes(slug)) {
      throw new CompreFaceError(
        'VALIDATION_CONSTRAINT_VIOLATION',
        `The face plugin "${slug}" is not available on this server (available: ${SUPPORTED_PLUGINS.join(', ')})`,
      );
    }
  }
  return new Set(asked);
}

/** What a face carries beside its box, by plugin: `landmarks` (five points) and `calculator` (the embedding). */
export function pluginFields(face: EncodedFace, plugins: ReadonlySet<string>): Record<string, unknown> {
  return {
    ...(plugins.has('landmarks') ? { landmarks: face.detection.landmarks.map((p) => [Math.round(p.x), Math.round(p.y)]) } : {}),
    ...(plugins.has('calculator') ? { embedding: Array.from(face.embedding) } : {}),
  };
}

/** `plugins_versions` for `status=true`. */
export function pluginVersions(context: ServerContext, plugins: ReadonlySet<string>): Record<string, string> {
  return {
    detector: `pv.${context.config.detector ?? 'default'}`,
    calculator: `pv.${context.model.id}`,
    ...(plugins.has('landmarks') ? { landmarks: `pv.${context.config.detector ?? 'default'}` } : {}),
  };
}

/**
 * The image of a request: the multipart file `field`, or the base64 string `field` of a JSON body (as the
 * SDK's base64 upload sends it). Its format and size are checked from the header before any decoding.
 */
export async function imageOf(context: ServerContext, body: unknown, field: string, multipart: boolean): Promise<Uint8Array> {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  let bytes: Uint8Array;
  if (multipart) {
    const file = value as MultipartFile | undefined;
    if (!file || typeof file.toBuffer !== 'function') throw new CompreFaceError('MISSING_REQUEST_PART', `Required request part '${field}' is not present`);
    bytes = await file.toBuffer();
  } else {
    if (typeof value !== 'string' || value.length === 0) throw new CompreFaceError('MISSING_REQUEST_PART', `Required request part '${field}' is not present`);
    bytes = Buffer.from(value.replace(/^data:[^,]*,/, ''), 'base64');
  }
  try {
    await checkImageHeader(bytes, context.config.maxPixels);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 415) throw new CompreFaceError('UNAVAILABLE_FILE_EXTENSION', 'The file is not an image pv can read');
    throw error;
  }
  return bytes;
}

/**
 * Every face of an image at or above `det_prob_threshold`, biggest first, at most `limit` (0 = all).
 * `E_NO_FACE` → code 28 when none is left, as CompreFace answers.
 */
export async function facesOf(context: ServerContext, bytes: Uint8Array, query: FaceQuery): Promise<EncodedFace[]> {
  const { faces } = await context.inference.embedImage(bytes, 'all');
  const threshold = query.det_prob_threshold ?? 0;
  const kept = faces
    .filter((face) => face.detection.score >= threshold)
    .sort((a, b) => b.detection.box.width * b.detection.box.height - a.detection.box.width * a.detection.box.height);
  if (kept.length === 0) throw new CompreFaceError('NO_FACES_FOUND', 'No face is found in the given image');
  const limit = query.limit ?? 0;
  return limit > 0 ? kept.slice(0, limit) : kept;
}
