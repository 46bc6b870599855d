export * from './spec.js';
export * from './detectors.js';
export * from './models.js';
export * from './local.js';
export * from './open-face-encoder.js';
export { WorkerPoolFaceEncoder, WorkerPoolBrokenError } from './pool/worker-pool.js';
export { encodeConcurrently } from './pool/encode-many.js';
