import { InvalidArgumentError } from '@pv/core';
import type { TensorData, TensorRunner } from '@pv/face-models';
import { decodeModel, encodeModel } from '@pv/onnx-writer';
import { DataType, graphOf, type ModelProto } from './onnx-graph.js';

/** The range of values a tensor took over the calibration inputs, and its rank. */
export interface TensorRange {
  readonly min: number;
  readonly max: number;
  readonly rank: number;
  /** For NCHW (rank-4) tensors: each channel's mean value over the calibration inputs (used for bias correction). */
  readonly channelMeans?: Float32Array;
}

/** Activation ranges by tensor name. */
export type ActivationRanges = ReadonlyMap<string, TensorRange>;

/** Opens model bytes on some inference runtime (onnxruntime-node, onnxruntime-web, …) as a {@link TensorRunner}. */
export type OpenModelBytes = (model: Uint8Array) => Promise<TensorRunner>;

/**
 * How activation ranges are chosen: `minmax` (the extremes seen), or `percentile` (the values below which
 * `percentile` percent of the values seen lie, at both ends: ignores rare outliers that would stretch the
 * uint8 steps), or `mse` (the range, among the seen one shrunk by factors 1 down to 0.2, whose uint8 quantization
 * loses least in mean squared error, clipping included). Percentiles and errors are measured on an evenly
 * strided sample of up to 2^18 values per tensor.
 */
export type RangeMethod = { readonly kind: 'minmax' } | { readonly kind: 'percentile'; readonly percentile: number } | { readonly kind: 'mse' };

/** The default {@link RangeMethod}: least squared error (with bias correction it agreed best with the float MobileFaceNet). */
export const DEFAULT_RANGE_METHOD: RangeMethod = { kind: 'mse' };

const SAMPLE_BUDGET = 2 ** 18;

/** Operators whose outputs are never float, whatever their inputs. */
const NON_FLOAT_OUTPUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin', 'TopK', 'Equal', 'Greater', 'Less', 'Not', 'And', 'Or', 'Cast']);

/**
 * The float32 tensors of a graph, in node order: its float inputs, then every node output computed from a
 * float first input (shape arithmetic such as `Shape` → `Gather` → `Concat` is int64 and left out).
 */
export function floatTensors(model: ModelProto): string[] {
  const graph = graphOf(model);
  const float = new Set<string>();
  const order: string[] = [];
  const initializers = new Set(graph.initializer.map((t) => t.name ?? ''));
  for (const t of graph.initializer) if (t.dataType === DataType.FLOAT) float.add(t.name ?? '');
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (!initializers.has(name) && input.type?.tensorType?.elemType === DataType.FLOAT) {
      float.add(name);
      order.push(name);
    }
  }
  for (const node of graph.node) {
    const op = node.opType ?? '';
    const isFloat =
      op === 'Constant'
        ? node.attribute?.find((a) => a.name === 'value')?.t?.dataType === DataType.FLOAT
        : !NON_FLOAT_OUTPUT.has(op) && float.has(node.input?.[0] ?? '');
    if (!isFloat) continue;
    for (const output of node.output ?? []) {
      if (output === '' || float.has(output)) continue;
      float.add(output);
      if (op !== 'Constant') order.push(output);
    }
  }
  return order;
}

/** A copy of the model whose graph outputs are every float tensor (inputs excepted), so one run shows them all. */
export function instrumentModel(bytes: Uint8Array): { model: Uint8Array; tensors: string[] } {
  const model = decodeModel(bytes);
  const graph = graphOf(model);
  const tensors = floatTensors(model);
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  for (const name of tensors) {
    if (!inputs.has(name) && !outputs.has(name)) graph.output = [...(graph.output ?? []), { name, type: { tensorType: { elemType: DataType.FLOAT } } }];
  }
  return { model: encodeModel(model), tensors };
}

/**
 * Runs the model on every calibration input and records each float tensor's smallest and largest value
 * (min/max calibration) and rank. `E_INVALID_ARGUMENT` without inputs.
 */
export async function collectRanges(
  bytes: Uint8Array,
  inputs: readonly Readonly<Record<string, TensorData>>[],
  open: OpenModelBytes,
  method: RangeMethod = DEFAULT_RANGE_METHOD,
): Promise<Map<string, TensorRange>> {
  if (inputs.length === 0) throw new InvalidArgumentError('Calibration needs at least one input');
  const { model, tensors } = instrumentModel(bytes);
  const runner = await open(model);
  const ranges = new Map<string, TensorRange>();
  const samples = new Map<string, number[]>();
  const widen = (name: string, tensor: TensorData): void => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of tensor.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const seen = ranges.get(name);
    ranges.set(name, {
      min: Math.min(min, seen?.min ?? Infinity),
      max: Math.max(max, seen?.max ?? -Infinity),
      rank: tensor.dims.length,
      ...(tensor.dims.length === 4 ? { channelMeans: addChannelMeans(tensor, seen?.channelMeans, 1 / inputs.length) } : {}),
    });
    if (method.kind !== 'minmax') {
      const list = samples.get(name) ?? [];
      const stride = Math.max(1, Math.ceil((tensor.data.length * inputs.length) / SAMPLE_BUDGET));
      for (let i = (list.length * 7919) % stride; i < tensor.data.length; i += stride) list.push(tensor.data[i] as number);
      samples.set(name, list);
    }
  };
  try {
    for (const feed of inputs) {
      const outputs = await runner.run(feed);
      for (const [name, tensor] of Object.entries(feed)) widen(name, tensor);
      for (const name of tensors) {
        const tensor = outputs[name];
        if (tensor) widen(name, tensor);
      }
    }
  } finally {
    await runner.close();
  }
  if (method.kind === 'mse') {
    for (const [name, values] of samples) ranges.set(name, { ...(ranges.get(name) as TensorRange), ...leastSquaresRange(values, ranges.get(name) as TensorRange) });
  }
  if (method.kind === 'percentile') {
    for (const [name, values] of samples) {
      const range = ranges.get(name) as TensorRange;
      const sorted = Float32Array.from(values).sort();
      const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))] as number;
      const tail = 1 - method.percentile / 100;
      ranges.set(name, { ...range, min: Math.max(range.min, at(tail)), max: Math.min(range.max, at(1 - tail)) });
    }
  }
  return ranges;
}

/** The range among `seen` shrunk by 1, 0.98, … 0.2 whose uint8 quantization of `values` has the least squared error. */
function leastSquaresRange(values: readonly number[], seen: { min: number; max: number }): { min: number; max: number } {
  let best = { min: seen.min, max: seen.max };
  let bestError = Infinity;
  for (let factor = 1; factor >= 0.2; factor -= 0.02) {
    const low = Math.min(0, seen.min * factor);
    const high = Math.max(0, seen.max * factor);
    if (!(high > low)) continue;
    const scale = (high - low) / 255;
    const zero = Math.round(-low / scale);
    let error = 0;
    for (const v of values) {
      const q = Math.min(255, Math.max(0, Math.round(v / scale) + zero));
      const d = (q - zero) * scale - v;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = { min: low, max: high };
    }
  }
  return best;
}

/** `sum` (or zeros) plus `weight` × each channel's mean of an NCHW tensor. */
function addChannelMeans(tensor: TensorData, sum: Float32Array | undefined, weight: number): Float32Array {
  const [n = 1, c = 1, h = 1, w = 1] = tensor.dims;
  const out = sum ?? new Float32Array(c);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      let total = 0;
      const start = (b * c + ch) * plane;
      for (let i = start; i < start + plane; i++) total += tensor.data[i] as number;
      out[ch] = (out[ch] as number) + (weight * total) / (plane * n);
    }
  }
  return out;
}

/**
 * Each channel's mean value of the NCHW tensors `tensors` of a model (made graph outputs for the purpose)
 * over `inputs`, by tensor name: empirical bias correction compares a quantized graph's convolution
 * outputs with the float graph's (whose means {@link collectRanges} records as `channelMeans`).
 * `E_INVALID_ARGUMENT` without inputs, or when a tensor is not an NCHW output.
 */
export async function collectChannelMeans(
  bytes: Uint8Array,
  tensors: readonly string[],
  inputs: readonly Readonly<Record<string, TensorData>>[],
  open: OpenModelBytes,
): Promise<Map<string, Float32Array>> {
  if (inputs.length === 0) throw new InvalidArgumentError('Channel means need at least one input');
  const model = decodeModel(bytes);
  const graph = graphOf(model);
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  for (const name of tensors) {
    if (!outputs.has(name)) graph.output = [...(graph.output ?? []), { name, type: { tensorType: { elemType: DataType.FLOAT } } }];
    outputs.add(name);
  }
  const runner = await open(encodeModel(model));
  const means = new Map<string, Float32Array>();
  try {
    for (const feed of inputs) {
      const results = await runner.run(feed);
      for (const name of tensors) {
        const tensor = results[name];
        if (!tensor || tensor.dims.length !== 4) throw new InvalidArgumentError(`Tensor "${name}" is not an NCHW output of the model`, { tensor: name });
        means.set(name, addChannelMeans(tensor, means.get(name), 1 / inputs.length));
      }
    }
  } finally {
    await runner.close();
  }
  return means;
}
