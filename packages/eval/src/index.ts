export * from './pairs.js';
export * from './scored-pair.js';
export * from './threshold.js';
export * from './folds.js';
export * from './roc.js';
export * from './evaluate.js';
export * from './format.js';
export * from './calibrate.js';
