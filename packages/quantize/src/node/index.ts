export * from './calibration-set.js';
export * from './open-on-node.js';
export * from './quantize-catalog-model.js';
