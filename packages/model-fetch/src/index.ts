export * from './errors.js';
export * from './cache-dir.js';
export * from './npmrc.js';
export * from './verify.js';
export * from './fetch-models.js';
export * from './local-models.js';
export * from './progress.js';
export * from './package-files.js';
