export * from './agglomerative.js';
export * from './purity.js';
