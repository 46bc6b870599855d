import type { FastifyRequest } from 'fastify';
import type { Collections } from './collections.js';
import type { CompreFaceKeyInfo, CompreFaceKeyStore } from './keys.js';
import type { SimilarityCoefficients } from './similarity.js';

/** What the CompreFace routes share: keys, the per-key collections, the similarity constants. */
export interface CompreFaceScope {
  readonly keys: CompreFaceKeyStore;
  readonly collections: Collections;
  readonly similarity: SimilarityCoefficients;
  /** The key a request was authorised with (set by the scope's key check). */
  keyOf(request: FastifyRequest): CompreFaceKeyInfo;
}
