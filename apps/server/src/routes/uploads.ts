import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { NoFaceError, type AnalysisKind, type EncodedFace } from '@pv/core';
import { ApiError } from '../api-error.js';
import type { ServerContext } from '../context.js';
import { checkImageHeader } from '../image-check.js';
import type { FaceChoice, ImageFaces } from '../inference/pool.js';

/**
 * The bytes of an uploaded image field (already buffered within the size limit by the multipart plugin),
 * after checking its format and pixel count from the header: 415 for non-images, 422 for oversized ones.
 */
export async function checkedUpload(context: ServerContext, field: unknown, name: string): Promise<Buffer> {
  const file = field as MultipartFile | undefined;
  if (!file || typeof file.toBuffer !== 'function') {
    throw new ApiError(400, 'E_BAD_REQUEST', `The multipart field "${name}" must be a file`);
  }
  const bytes = await file.toBuffer();
  await checkImageHeader(bytes, context.config.maxPixels);
  return bytes;
}

/** The faces of a checked upload, embedded off the event loop, with the `analyses` asked for. */
export async function facesOfUpload(
  context: ServerContext,
  field: unknown,
  name: string,
  faces: FaceChoice,
  analyses: readonly AnalysisKind[] = [],
): Promise<ImageFaces> {
  return context.inference.embedImage(await checkedUpload(context, field, name), faces, analyses);
}

/** The main face of checked image bytes, with the `analyses` asked for; `E_NO_FACE` (422) when it shows none. */
export async function mainFace(context: ServerContext, bytes: Uint8Array, name: string, analyses: readonly AnalysisKind[] = []): Promise<EncodedFace> {
  const { faces } = await context.inference.embedImage(bytes, 'largest', analyses);
  const face = faces[0];
  if (!face) throw new NoFaceError(`No face was found in the image "${name}"`, { field: name });
  return face;
}

/** A JSON request body; 400 when the request carried none (neither JSON nor a multipart upload). */
export function jsonBody<T extends object>(body: T | undefined | null): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'E_BAD_REQUEST', 'Send a JSON body or a multipart upload');
  }
  return body;
}

/**
 * Whether a request sends a multipart body, from its `Content-Type` alone: usable before the body is parsed
 * (`request.isMultipart()` only tells once the multipart parser has run).
 */
export function isMultipartRequest(request: FastifyRequest): boolean {
  return /^multipart\/form-data\b/iu.test(request.headers['content-type'] ?? '');
}
