import { InvalidArgumentError, type FaceEncoder } from '@pv/core';
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
  const threads = spec.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new InvalidArgumentError(`threads must be a positive integer, got ${threads}`, { threads });
  }
  const entries = await prepareModels(spec);
  if (threads === 1) return openLocalParts(spec);
  return WorkerPoolFaceEncoder.start({ spec, entries }, threads);
}
