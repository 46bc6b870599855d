export * from './types.js';
export * from './builtin.js';
export * from './faceplugin.js';
export * from './validate.js';
export * from './catalog.js';
export * from './analysis-models.js';
export * from './confidence.js';
export * from './remote-weights.js';
