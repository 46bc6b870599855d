export * from './metrics.js';
export * from './threshold.js';
export * from './resolve.js';
export * from './audit.js';
