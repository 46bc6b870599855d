import type { MultipartFile } from '@fastify/multipart';
import type { AnalysisKind, Box, EncodedFace } from '@pv/core';
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

/**
 * The plugins pv can answer (`face_plugins`); others (`mask`: pv has no mask model; `landmarks2d106`) are
 * refused with code 26. `age`, `gender` and `pose` run pv's analysis models (loaded on first use).
 */
export const SUPPORTED_PLUGINS = ['landmarks', 'calculator', 'age', 'gender', 'pose'] as const;

/** The pv analysis each analysis plugin runs. */
const PLUGIN_ANALYSES: Readonly<Record<string, AnalysisKind>> = { age: 'age', gender: 'gender', pose: 'pose' };

/** Why a plugin CompreFace has is refused here (beside the list of those available). */
const UNAVAILABLE: Readonly<Record<string, string>> = {
  mask: 'pv has no face-mask model',
  landmarks2d106: "pv's landmarks plugin answers five points",
};

/** Half the width of the `age` plugin's `[low, high]` window around pv's estimate, in years. */
export const AGE_WINDOW_YEARS = 5;

/**
 * The `age` plugin's `probability`: pv's age model is a regression (SSR-Net) and gives no per-face
 * probability, so this is a measured rate, the same for every face: the share of the 124 hand-labelled
 * celeba-sample photos (`packages/embedder-onnx-node/fixtures/celeba-sample-labels.json`) whose labelled
 * 10-year band the `[low, high]` window overlapped (66 of 124, measured with mobilefacenet's default pipeline).
 */
export const AGE_WINDOW_AGREEMENT = 66 / 124;

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
      const why = UNAVAILABLE[slug];
      throw new CompreFaceError(
        'VALIDATION_CONSTRAINT_VIOLATION',
        `The face plugin "${slug}" is not available on this server${why ? ` (${why})` : ''} (available: ${SUPPORTED_PLUGINS.join(', ')})`,
      );
    }
  }
  return new Set(asked);
}

/** The pv analyses the plugins of `face_plugins` need (none for `landmarks` and `calculator`). */
export function pluginAnalyses(plugins: ReadonlySet<string>): AnalysisKind[] {
  return [...plugins].map((slug) => PLUGIN_ANALYSES[slug]).filter((kind): kind is AnalysisKind => kind !== undefined);
}

/**
 * What a face carries beside its box, by plugin, in CompreFace's shapes: `landmarks` (five points),
 * `calculator` (`embedding`), `age` (`{probability, high, low}`: a window of ±{@link AGE_WINDOW_YEARS} years
 * around pv's estimate, `probability` {@link AGE_WINDOW_AGREEMENT}), `gender` (`{probability, value}`: the
 * model's confidence in `"male"` or `"female"`), `pose` (`{pitch, roll, yaw}` in degrees).
 */
export function pluginFields(face: EncodedFace, plugins: ReadonlySet<string>): Record<string, unknown> {
  const { age, gender, pose } = face.analysis ?? {};
  const years = age ? Math.round(age.years) : 0;
  return {
    ...(plugins.has('landmarks') ? { landmarks: face.detection.landmarks.map((p) => [Math.round(p.x), Math.round(p.y)]) } : {}),
    ...(plugins.has('calculator') ? { embedding: Array.from(face.embedding) } : {}),
    ...(plugins.has('age') && age
      ? { age: { probability: AGE_WINDOW_AGREEMENT, high: years + AGE_WINDOW_YEARS, low: Math.max(0, years - AGE_WINDOW_YEARS) } }
      : {}),
    ...(plugins.has('gender') && gender ? { gender: { probability: gender.confidence, value: gender.gender } } : {}),
    ...(plugins.has('pose') && pose ? { pose: { pitch: pose.pitch, roll: pose.roll, yaw: pose.yaw } } : {}),
  };
}

/** `plugins_versions` for `status=true`. */
export function pluginVersions(context: ServerContext, plugins: ReadonlySet<string>): Record<string, string> {
  return {
    detector: `pv.${context.config.detector ?? 'default'}`,
    calculator: `pv.${context.model.id}`,
    ...(plugins.has('landmarks') ? { landmarks: `pv.${context.config.detector ?? 'default'}` } : {}),
    ...(plugins.has('age') ? { age: 'pv.age' } : {}),
    ...(plugins.has('gender') ? { gender: 'pv.gender' } : {}),
    ...(plugins.has('pose') ? { pose: 'pv.pose' } : {}),
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
  // `age`, `gender`, `pose` run pv's analysis models on each face (loaded by the workers on first use).
  const analyses = query.face_plugins !== undefined ? pluginAnalyses(requestedPlugins(query.face_plugins)) : [];
  const { faces } = await context.inference.embedImage(bytes, 'all', analyses);
  const threshold = query.det_prob_threshold ?? 0;
  const kept = faces
    .filter((face) => face.detection.score >= threshold)
    .sort((a, b) => b.detection.box.width * b.detection.box.height - a.detection.box.width * a.detection.box.height);
  if (kept.length === 0) throw new CompreFaceError('NO_FACES_FOUND', 'No face is found in the given image');
  const limit = query.limit ?? 0;
  return limit > 0 ? kept.slice(0, limit) : kept;
}
