export * from './types.js';
export { OnnxGraph, MIN_OPSET, MAX_OPSET, type OnnxGraphOptions, type NodeOptions, type ModelOptions } from './graph.js';
export * from './builder.js';
export { decodeModel, encodeModel } from './encode.js';
