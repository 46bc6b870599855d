export * from './types.js';
export * from './builtin.js';
export * from './validate.js';
export * from './catalog.js';
export * from './remote-weights.js';
