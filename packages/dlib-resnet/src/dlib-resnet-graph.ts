import { OnnxGraphBuilder, type ValueRef } from '@pv/onnx-writer';
import { TfjsWeightsError } from './errors.js';
import type { DecodedTensor } from './tfjs-weights.js';

/** Side of the square face crop the network takes, in pixels. */
export const DLIB_RESNET_INPUT_SIZE = 150;

/** Length of the descriptor. */
export const DLIB_RESNET_DIMENSION = 128;

/** Name of the graph input: `[batch, 3, 150, 150]`, RGB planes, already normalised. */
export const DLIB_RESNET_INPUT_NAME = 'input';

/** Name of the graph output: `[batch, 128]`, the raw (not normalised) descriptor. */
export const DLIB_RESNET_OUTPUT_NAME = 'descriptor';

/**
 * The residual blocks after the stem, in order, as face-api's `FaceRecognitionNet` names them. `down`
 * blocks start with a stride-2 convolution and take an average-pooled, zero-padded shortcut.
 */
export const DLIB_RESNET_BLOCKS: readonly { readonly name: string; readonly down: boolean }[] = [
  { name: 'conv32_1', down: false },
  { name: 'conv32_2', down: false },
  { name: 'conv32_3', down: false },
  { name: 'conv64_down', down: true },
  { name: 'conv64_1', down: false },
  { name: 'conv64_2', down: false },
  { name: 'conv64_3', down: false },
  { name: 'conv128_down', down: true },
  { name: 'conv128_1', down: false },
  { name: 'conv128_2', down: false },
  { name: 'conv256_down', down: true },
  { name: 'conv256_1', down: false },
  { name: 'conv256_2', down: false },
  { name: 'conv256_down_out', down: true },
];

/** Options of {@link buildDlibResnetGraph}. */
export interface DlibResnetGraphOptions {
  /** ONNX opset (default 17). */
  readonly opset?: number;
  /** `metadata_props` to record in the model (e.g. where the weights came from). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A tensor's layout as the graph tracks it: channels and the (square) spatial side. */
interface Activation {
  readonly value: ValueRef;
  readonly channels: number;
  readonly side: number;
}

/**
 * Builds dlib's face ResNet (the 29-convolution `dlib_face_recognition_resnet_model_v1` as face-api ports
 * it) as an ONNX model from its decoded tfjs tensors, following face-api's `FaceRecognitionNet` layer by
 * layer:
 *
 * - every convolution is `conv + bias`, then a per-channel scale layer (`x * weights + biases`), then ReLU
 *   unless it closes a block; stride-1 convolutions pad as tfjs `same`, stride-2 ones are `valid`;
 * - stem: 7x7/2 convolution (32 channels), 3x3/2 max pooling (`valid`);
 * - {@link DLIB_RESNET_BLOCKS}: two 3x3 convolutions plus a shortcut, then ReLU. A down-sampling block's
 *   shortcut is a 2x2/2 average pooling of its input, zero-padded to the doubled channel count; where the
 *   pooled side is one pixel larger than the convolution branch's (150 px input: 8 → 3 vs 4, then 4 → 1
 *   vs 2), the branch gets a row and a column of zeros at its bottom and right, as face-api does;
 * - global average pooling and a 256→128 fully connected layer without bias.
 *
 * Input `input` `[batch, 3, 150, 150]` holds `(pixel − meanRgb) / 255` with face-api's mean RGB
 * (122.782, 117.001, 104.298); output `descriptor` `[batch, 128]` is face-api's `computeFaceDescriptor`.
 * Filters are transposed from tfjs's HWIO to ONNX's OIHW. Throws `E_MODEL_FORMAT` when a tensor is
 * missing or has an unexpected shape.
 */
export function buildDlibResnetGraph(tensors: ReadonlyMap<string, DecodedTensor>, options: DlibResnetGraphOptions = {}): Uint8Array {
  const weights = new WeightSource(tensors);
  const g = new OnnxGraphBuilder({ name: 'dlib_resnet', ...(options.opset !== undefined ? { opset: options.opset } : {}) });
  const input = g.input(DLIB_RESNET_INPUT_NAME, 'float32', ['batch', 3, DLIB_RESNET_INPUT_SIZE, DLIB_RESNET_INPUT_SIZE]);
  let x = convLayer(g, weights, 'conv32_down', { value: input, channels: 3, side: DLIB_RESNET_INPUT_SIZE }, 2, true);
  x = {
    value: g.maxPool(x.value, { kernelShape: [3, 3], strides: [2, 2], name: 'stem_pool' }),
    channels: x.channels,
    side: validSide(x.side, 3, 2),
  };
  for (const block of DLIB_RESNET_BLOCKS) x = block.down ? residualDown(g, weights, block.name, x) : residual(g, weights, block.name, x);
  const fc = weights.take('fc', [x.channels, DLIB_RESNET_DIMENSION]);
  weights.checkAllTaken();
  const pooled = g.flatten(g.globalAveragePool(x.value, { name: 'global_avg' }), 1);
  const descriptor = g.matMul(pooled, g.float32('fc', fc.shape, fc.values), { name: 'fc_out' });
  g.output(descriptor, 'float32', ['batch', DLIB_RESNET_DIMENSION], DLIB_RESNET_OUTPUT_NAME);
  return g.toModel({
    producerName: '@pv/dlib-resnet',
    docString:
      "dlib's face recognition ResNet (150x150 RGB → 128-d) converted from @vladmandic/face-api's tfjs weights. " +
      'Input: (pixel - [122.782, 117.001, 104.298]) / 255, NCHW RGB.',
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

/** `conv + bias`, the scale layer, and ReLU when `relu`. Stride 1 pads like tfjs `same`; stride 2 is `valid`. */
function convLayer(
  g: OnnxGraphBuilder,
  weights: WeightSource,
  prefix: string,
  x: Activation,
  stride: 1 | 2,
  relu: boolean,
): Activation {
  const filters = weights.take(`${prefix}/conv/filters`);
  const [kh, kw, inChannels, outChannels] = filters.shape;
  if (filters.shape.length !== 4 || kh === undefined || kw !== kh || inChannels !== x.channels || outChannels === undefined) {
    fail(`${prefix}/conv/filters has shape [${filters.shape.join(', ')}]; expected [k, k, ${x.channels}, out]`, prefix);
  }
  const perChannel = (name: string): ValueRef => {
    const t = weights.take(`${prefix}/${name}`, [outChannels]);
    return g.float32(`${prefix}/${name}`, name.startsWith('scale/') ? [outChannels, 1, 1] : [outChannels], t.values);
  };
  const weight = g.float32(`${prefix}/conv/filters`, [outChannels, inChannels, kh, kw], hwioToOihw(filters.values, kh, kw, inChannels, outChannels));
  const half = (kh - 1) / 2;
  let y = g.conv(x.value, weight, perChannel('conv/bias'), {
    strides: [stride, stride],
    pads: stride === 1 ? [half, half, half, half] : [0, 0, 0, 0],
    name: `${prefix}/conv`,
  });
  y = g.add(g.mul(y, perChannel('scale/weights'), { name: `${prefix}/scale_mul` }), perChannel('scale/biases'), { name: `${prefix}/scale` });
  if (relu) y = g.relu(y, { name: `${prefix}/relu` });
  return { value: y, channels: outChannels, side: stride === 1 ? x.side : validSide(x.side, kh, 2) };
}

function residual(g: OnnxGraphBuilder, weights: WeightSource, name: string, x: Activation): Activation {
  const a = convLayer(g, weights, `${name}/conv1`, x, 1, true);
  const b = convLayer(g, weights, `${name}/conv2`, a, 1, false);
  if (b.channels !== x.channels) fail(`${name} changes the channel count from ${x.channels} to ${b.channels} without down-sampling`, name);
  return { ...x, value: g.relu(g.add(b.value, x.value, { name: `${name}/sum` }), { name: `${name}/out` }) };
}

function residualDown(g: OnnxGraphBuilder, weights: WeightSource, name: string, x: Activation): Activation {
  const a = convLayer(g, weights, `${name}/conv1`, x, 2, true);
  let branch = convLayer(g, weights, `${name}/conv2`, a, 1, false);
  let shortcut: Activation = {
    value: g.averagePool(x.value, { kernelShape: [2, 2], strides: [2, 2], name: `${name}/shortcut_pool` }),
    channels: x.channels,
    side: validSide(x.side, 2, 2),
  };
  const grow = shortcut.side - branch.side;
  if (grow !== 0 && grow !== 1) fail(`${name}: the shortcut side ${shortcut.side} and branch side ${branch.side} differ by more than one`, name);
  if (grow === 1) {
    // face-api appends a row, then a column, of zeros to the branch.
    branch = { ...branch, value: pad(g, branch.value, [0, 0, 0, 0, 0, 0, 1, 1], `${name}/branch_pad`), side: shortcut.side };
  }
  if (branch.channels === 2 * shortcut.channels) {
    // face-api concatenates zeros after the pooled channels.
    shortcut = { ...shortcut, value: pad(g, shortcut.value, [0, 0, 0, 0, 0, shortcut.channels, 0, 0], `${name}/shortcut_pad`), channels: branch.channels };
  } else if (branch.channels !== shortcut.channels) {
    fail(`${name}: ${branch.channels} branch channels cannot be added to ${shortcut.channels} shortcut channels`, name);
  }
  return { ...branch, value: g.relu(g.add(branch.value, shortcut.value, { name: `${name}/sum` }), { name: `${name}/out` }) };
}

/** A constant-zero `Pad` with ONNX's `[begin…, end…]` pads over NCHW. */
function pad(g: OnnxGraphBuilder, x: ValueRef, pads: readonly number[], name: string): ValueRef {
  return g.node('Pad', [x, g.int64s(pads, `${name}_amounts`)], {}, { name })[0] as ValueRef;
}

/** Output side of a `valid` window of `kernel` with `stride`. */
function validSide(side: number, kernel: number, stride: number): number {
  return Math.floor((side - kernel) / stride) + 1;
}

/** tfjs filters `[kh, kw, in, out]` → ONNX `[out, in, kh, kw]`. */
function hwioToOihw(values: Float32Array, kh: number, kw: number, inChannels: number, outChannels: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < inChannels; i++) {
        const from = ((y * kw + x) * inChannels + i) * outChannels;
        for (let o = 0; o < outChannels; o++) out[((o * inChannels + i) * kh + y) * kw + x] = values[from + o] as number;
      }
    }
  }
  return out;
}

/** The decoded tensors, handed out by name; every one must be used. */
class WeightSource {
  readonly #tensors: ReadonlyMap<string, DecodedTensor>;
  readonly #taken = new Set<string>();

  constructor(tensors: ReadonlyMap<string, DecodedTensor>) {
    this.#tensors = tensors;
  }

  /** The tensor `name`, checked against `shape` when given. */
  take(name: string, shape?: readonly number[]): DecodedTensor {
    const t = this.#tensors.get(name);
    if (!t) fail(`The weights lack tensor ${name}`, name);
    if (shape && (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))) {
      fail(`Tensor ${name} has shape [${t.shape.join(', ')}]; expected [${shape.join(', ')}]`, name);
    }
    this.#taken.add(name);
    return t;
  }

  /** Throws when some tensor was never used: the weights are not this network's. */
  checkAllTaken(): void {
    const unused = [...this.#tensors.keys()].filter((name) => !this.#taken.has(name));
    if (unused.length > 0) fail(`The weights hold tensors this network does not use: ${unused.slice(0, 5).join(', ')}`, unused[0] as string);
  }
}

function fail(message: string, name: string): never {
  throw new TfjsWeightsError(message, { name });
}
