import { InvalidArgumentError, type FaceEncoder, type LocalFaceEncoder } from '@pv/core';
import { openLocalParts } from './local.js';
import { prepareModels } from './models.js';
import { WorkerPoolFaceEncoder } from './pool/worker-pool.js';
import type { FaceEncoderSpec } from './spec.js';

/**
 * Opens a {@link FaceEncoder} from plain data: with `threads` 1 (default) a `LocalFaceEncoder` in this
 * thread, with N > 1 one pool of N worker threads (each with its own sessions) that behaves exactly the
 * same (same faces and embeddings within float tolerance, same error classes, same abort). Every model is
 * fetched, converted or verified once in this thread before any worker starts (see `prepareModels`).
 * Close it when done.
 *
 * @example
 * ```ts
 * const encoder = await openFaceEncoder({ detector: 'mtcnn', model: 'mobilefacenet', threads: 2 });
 * for await (const result of encoder.encodeMany(['a.jpg', 'b.jpg'])) {
 *   console.log(result.name, result.ok ? result.faces.length : result.failure.code);
 * }
 * await encoder.close();
 * ```
 */
export async function openFaceEncoder(spec: FaceEncoderSpec = {}): Promise<FaceEncoder> {
  const threads = threadCount(spec);
  if (threads === 1) return openLocalFaceEncoder(spec);
  return openFaceEncoderPool(spec);
}

/**
 * {@link openFaceEncoder} always on worker threads, `spec.threads` of them (default 1): for a caller whose
 * own thread must stay free, such as a server's event loop, even with a single worker.
 */
export async function openFaceEncoderPool(spec: FaceEncoderSpec = {}): Promise<WorkerPoolFaceEncoder> {
  const threads = threadCount(spec);
  const entries = await prepareModels(spec);
  return WorkerPoolFaceEncoder.start({ spec, entries }, threads);
}

/**
 * {@link openFaceEncoder} in this thread, typed as the `LocalFaceEncoder` it is: its `detector` and
 * `embedder` can be handed on (e.g. to a `FaceRecognizer`). `spec.threads` is not looked at.
 */
export async function openLocalFaceEncoder(spec: FaceEncoderSpec = {}): Promise<LocalFaceEncoder> {
  await prepareModels(spec);
  return openLocalParts(spec);
}

/** `spec.threads` (default 1), checked: `E_INVALID_ARGUMENT` unless a positive integer. */
function threadCount(spec: FaceEncoderSpec): number {
  const threads = spec.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError(`threads must be a positive integer, got ${threads}`, { threads });
  }
  return threads;
}
