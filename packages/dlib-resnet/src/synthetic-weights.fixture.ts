import { DLIB_RESNET_BLOCKS, DLIB_RESNET_DIMENSION } from './dlib-resnet-graph.js';
import type { DecodedTensor } from './tfjs-weights.js';

/** Small deterministic pseudo-random values (a linear congruential generator), so outputs are not trivial. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 0.1;
  }
  return out;
}

/**
 * Tensors with the names and shapes of face-api's recognition net (filters HWIO, per-channel conv bias and
 * scale weights and biases, `fc` [256, 128]), filled with pseudo-random values.
 */
export function syntheticDlibWeights(): Map<string, DecodedTensor> {
  const tensors = new Map<string, DecodedTensor>();
  let seed = 1;
  const add = (name: string, shape: number[]): void => {
    tensors.set(name, { shape, values: values(shape.reduce((a, b) => a * b, 1), seed++) });
  };
  const convLayer = (prefix: string, k: number, inChannels: number, outChannels: number): void => {
    add(`${prefix}/conv/filters`, [k, k, inChannels, outChannels]);
    add(`${prefix}/conv/bias`, [outChannels]);
    add(`${prefix}/scale/weights`, [outChannels]);
    add(`${prefix}/scale/biases`, [outChannels]);
  };
  convLayer('conv32_down', 7, 3, 32);
  let channels = 32;
  for (const block of DLIB_RESNET_BLOCKS) {
    const out = Number(/^conv(\d+)/u.exec(block.name)?.[1]);
    convLayer(`${block.name}/conv1`, 3, channels, out);
    convLayer(`${block.name}/conv2`, 3, out, out);
    channels = out;
  }
  add('fc', [channels, DLIB_RESNET_DIMENSION]);
  return tensors;
}
