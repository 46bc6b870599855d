export * from './calibrate.js';
export * from './opset.js';
export * from './prelu.js';
export * from './qdq.js';
export * from './quantize.js';
export * from './record-inputs.js';
export { type ModelProto } from './onnx-graph.js';
export * from './agreement.js';
