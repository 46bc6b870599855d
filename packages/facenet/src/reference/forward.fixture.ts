import type { RgbImage } from '@pv/core';
import { float32Tensor, type StateDict } from '@pv/torch-checkpoint';
import {
  batchNorm,
  concatChannels,
  conv2d,
  globalAveragePool,
  l2Normalize,
  linear,
  maxPool,
  relu,
  scaledSum,
  type FeatureMap,
} from './layers.fixture.js';

/**
 * An independent, naive forward pass of facenet-pytorch's `InceptionResnetV1` (eval mode) over a state
 * dict, written from the PyTorch module definitions (test-only). Only the state-dict keys are shared with
 * the ONNX converter; kernel sizes come from the weights' shapes, strides and paddings are written here.
 */

const BN_EPS = 0.001;

function weightShape(sd: StateDict, key: string): [number, number, number, number] {
  const shape = sd.get(key)?.shape;
  if (shape?.length !== 4) throw new Error(`${key} is not a 4-D weight`);
  return [shape[0], shape[1], shape[2], shape[3]] as [number, number, number, number];
}

/** BasicConv2d: conv (no bias) → BatchNorm2d(eps 0.001) → ReLU. */
function basicConv(sd: StateDict, x: FeatureMap, prefix: string, stride = 1, padH = 0, padW = padH): FeatureMap {
  const conv = conv2d(x, float32Tensor(sd, `${prefix}.conv.weight`), weightShape(sd, `${prefix}.conv.weight`), undefined, stride, padH, padW);
  const bn = (name: string) => float32Tensor(sd, `${prefix}.bn.${name}`);
  return relu(batchNorm(conv, bn('weight'), bn('bias'), bn('running_mean'), bn('running_var'), BN_EPS));
}

/** The block's 1x1 `conv2d` (with bias), `out * scale + x`, optional ReLU. */
function residualEnd(sd: StateDict, x: FeatureMap, branches: FeatureMap, prefix: string, scale: number, withRelu: boolean): FeatureMap {
  const up = conv2d(branches, float32Tensor(sd, `${prefix}.conv2d.weight`), weightShape(sd, `${prefix}.conv2d.weight`), float32Tensor(sd, `${prefix}.conv2d.bias`), 1, 0, 0);
  const out = scaledSum(up, scale, x);
  return withRelu ? relu(out) : out;
}

function block35(sd: StateDict, x: FeatureMap, p: string): FeatureMap {
  const x0 = basicConv(sd, x, `${p}.branch0`);
  const x1 = basicConv(sd, basicConv(sd, x, `${p}.branch1.0`), `${p}.branch1.1`, 1, 1);
  const x2 = basicConv(sd, basicConv(sd, basicConv(sd, x, `${p}.branch2.0`), `${p}.branch2.1`, 1, 1), `${p}.branch2.2`, 1, 1);
  return residualEnd(sd, x, concatChannels([x0, x1, x2]), p, 0.17, true);
}

function block17(sd: StateDict, x: FeatureMap, p: string): FeatureMap {
  const x0 = basicConv(sd, x, `${p}.branch0`);
  let x1 = basicConv(sd, x, `${p}.branch1.0`);
  x1 = basicConv(sd, x1, `${p}.branch1.1`, 1, 0, 3); // kernel (1, 7), padding (0, 3)
  x1 = basicConv(sd, x1, `${p}.branch1.2`, 1, 3, 0); // kernel (7, 1), padding (3, 0)
  return residualEnd(sd, x, concatChannels([x0, x1]), p, 0.1, true);
}

function block8(sd: StateDict, x: FeatureMap, p: string, scale: number, withRelu: boolean): FeatureMap {
  const x0 = basicConv(sd, x, `${p}.branch0`);
  let x1 = basicConv(sd, x, `${p}.branch1.0`);
  x1 = basicConv(sd, x1, `${p}.branch1.1`, 1, 0, 1); // kernel (1, 3), padding (0, 1)
  x1 = basicConv(sd, x1, `${p}.branch1.2`, 1, 1, 0); // kernel (3, 1), padding (1, 0)
  return residualEnd(sd, x, concatChannels([x0, x1]), p, scale, withRelu);
}

/** The network input from RGB pixels, NCHW, with fixed standardisation or per-image prewhitening. */
export function referenceInput(image: RgbImage, normalization: 'fixed' | 'prewhiten'): FeatureMap {
  const plane = image.width * image.height;
  const data = new Float64Array(3 * plane);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) data[c * plane + p] = image.data[p * 3 + c] as number;
  if (normalization === 'fixed') return { channels: 3, height: image.height, width: image.width, data: data.map((v) => (v - 127.5) / 128) };
  // torch: mean(), std() (unbiased), std.clamp(min=1/sqrt(numel))
  let mean = 0;
  for (const v of data) mean += v;
  mean /= data.length;
  let squares = 0;
  for (const v of data) squares += (v - mean) ** 2;
  const std = Math.max(Math.sqrt(squares / (data.length - 1)), 1 / Math.sqrt(data.length));
  return { channels: 3, height: image.height, width: image.width, data: data.map((v) => (v - mean) / std) };
}

/** `InceptionResnetV1(...).eval()(x)`: the L2-normalised 512-d embedding of one input. */
export function referenceEmbedding(sd: StateDict, input: FeatureMap): Float64Array {
  let x = basicConv(sd, input, 'conv2d_1a', 2);
  x = basicConv(sd, x, 'conv2d_2a');
  x = basicConv(sd, x, 'conv2d_2b', 1, 1);
  x = maxPool(x, 3, 2);
  x = basicConv(sd, x, 'conv2d_3b');
  x = basicConv(sd, x, 'conv2d_4a');
  x = basicConv(sd, x, 'conv2d_4b', 2);
  for (let i = 0; i < 5; i++) x = block35(sd, x, `repeat_1.${i}`);

  const m6 = x;
  const m6b1 = basicConv(sd, basicConv(sd, basicConv(sd, m6, 'mixed_6a.branch1.0'), 'mixed_6a.branch1.1', 1, 1), 'mixed_6a.branch1.2', 2);
  x = concatChannels([basicConv(sd, m6, 'mixed_6a.branch0', 2), m6b1, maxPool(m6, 3, 2)]);
  for (let i = 0; i < 10; i++) x = block17(sd, x, `repeat_2.${i}`);

  const m7 = x;
  const m7b0 = basicConv(sd, basicConv(sd, m7, 'mixed_7a.branch0.0'), 'mixed_7a.branch0.1', 2);
  const m7b1 = basicConv(sd, basicConv(sd, m7, 'mixed_7a.branch1.0'), 'mixed_7a.branch1.1', 2);
  const m7b2 = basicConv(sd, basicConv(sd, basicConv(sd, m7, 'mixed_7a.branch2.0'), 'mixed_7a.branch2.1', 1, 1), 'mixed_7a.branch2.2', 2);
  x = concatChannels([m7b0, m7b1, m7b2, maxPool(m7, 3, 2)]);
  for (let i = 0; i < 5; i++) x = block8(sd, x, `repeat_3.${i}`, 0.2, true);
  x = block8(sd, x, 'block8', 1, false);

  const features = globalAveragePool(x);
  const projected = linear(features, float32Tensor(sd, 'last_linear.weight'), 512);
  const bn = (name: string) => float32Tensor(sd, `last_bn.${name}`);
  const normed = batchNorm({ channels: 512, height: 1, width: 1, data: projected }, bn('weight'), bn('bias'), bn('running_mean'), bn('running_var'), BN_EPS);
  return l2Normalize(normed.data);
}
