export * from './errors.js';
export * from './tfjs-weights.js';
export * from './dlib-resnet-graph.js';
export * from './convert.js';
export * from './converters.js';
