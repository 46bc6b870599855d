import { ModelFormatError } from '@pv/core';
import type { ActivationRanges, TensorRange } from './calibrate.js';
import {
  consumerMap,
  DataType,
  dimsOf,
  floatValues,
  graphOf,
  initializerMap,
  intAttr,
  makeTensor,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from './onnx-graph.js';

/** Which layers stay in float. */
export interface QdqOptions {
  /** Keep in float the quantizable layers that read the graph input directly (default `true`). */
  readonly floatInputLayers?: boolean;
  /** Keep in float the quantizable layers whose results reach a graph output without another quantizable layer (default `true`). */
  readonly floatOutputLayers?: boolean;
  /** Further nodes, by name (or first output name when unnamed), to keep in float. */
  readonly floatNodes?: readonly string[];
  /**
   * Per-output-channel amounts added to the bias of int8 convolutions, by node name (empirical bias
   * correction, see `quantizeModel`); a convolution without a bias gets one (as it does for {@link QdqOptions.weightBiasCorrection}).
   */
  readonly biasShifts?: ReadonlyMap<string, Float32Array>;
  /**
   * Subtract from each int8 convolution's bias the mean shift its weight rounding causes, from the input
   * channels' calibration means (default `true`; see {@link correctBias}).
   */
  readonly weightBiasCorrection?: boolean;
}

/** An int8 convolution's output tensor in the QDQ graph (before its `QuantizeLinear`) and in the float graph. */
export interface QdqConvOutput {
  /** The node's name (or first output when unnamed), as in {@link QdqReport.quantized}. */
  readonly node: string;
  /** The tensor the convolution writes in the QDQ graph, before its output quantization (clips not applied). */
  readonly output: string;
  /** The same convolution's output in the float graph (before any `Relu` folded into the quantization). */
  readonly floatOutput: string;
  readonly channels: number;
}

/** What {@link writeQdq} did. */
export interface QdqReport {
  /** Nodes now running in int8 (by name or first output), in graph order. */
  readonly quantized: readonly string[];
  /** Quantizable nodes left in float, in graph order. */
  readonly float: readonly string[];
  /**
   * `Relu` (and `Min(x, 0)`) nodes absorbed into the uint8 quantization of the layer before them (a zero point
   * of 0 clips like a ReLU; one of 255 like a minimum with 0).
   */
  readonly foldedRelus: number;
  /** The int8 convolutions' output tensors, for comparing them with the float graph's. */
  readonly convOutputs: readonly QdqConvOutput[];
}

/** The quantization of one activation tensor: uint8, asymmetric. */
export interface ActivationQuantization {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** uint8 asymmetric parameters covering `range` and 0 (so that zero padding is exact). */
export function activationQuantization(range: Pick<TensorRange, 'min' | 'max'>): ActivationQuantization {
  const low = Math.min(0, range.min);
  const high = Math.max(0, range.max);
  if (!(high > low)) return { scale: 1, zeroPoint: 0 };
  const scale = (high - low) / 255;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

/** Per-output-channel symmetric int8 weights (range ±127) with their scales; axis 0 is the channel. */
export function quantizeWeightsPerChannel(weights: Float32Array, channels: number): { values: Int8Array; scales: Float32Array } {
  const per = weights.length / channels;
  const values = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let amax = 0;
    for (let i = c * per; i < (c + 1) * per; i++) amax = Math.max(amax, Math.abs(weights[i] as number));
    const scale = amax > 0 ? amax / 127 : 1;
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) values[i] = Math.max(-127, Math.min(127, Math.round((weights[i] as number) / scale)));
  }
  return { values, scales };
}

/**
 * Bias correction (Nagel et al., "Data-Free Quantization", 2019): subtracts from each output channel's bias
 * the mean shift the weight rounding causes, Σ (dequantized − float weight) × mean input of that channel
 * (zero padding at the borders is ignored).
 */
export function correctBias(
  bias: Float32Array,
  weights: Float32Array,
  quantized: Int8Array,
  scales: Float32Array,
  inputMeans: Float32Array,
  dims: readonly number[],
): void {
  const [outChannels = 0, perGroup = 0] = dims;
  const kernel = dims.slice(2).reduce((a, b) => a * b, 1);
  const groups = inputMeans.length / perGroup;
  const outPerGroup = outChannels / groups;
  for (let o = 0; o < outChannels; o++) {
    const group = Math.floor(o / outPerGroup);
    let shift = 0;
    for (let i = 0; i < perGroup; i++) {
      const mean = inputMeans[group * perGroup + i] as number;
      for (let k = 0; k < kernel; k++) {
        const at = (o * perGroup + i) * kernel + k;
        shift += ((quantized[at] as number) * (scales[o] as number) - (weights[at] as number)) * mean;
      }
    }
    bias[o] = (bias[o] as number) - shift;
  }
}

const nameOf = (node: NodeProto): string => node.name || (node.output?.[0] ?? '');

/**
 * Rewrites `model` (opset 13, see `upgradeToQdqOpset`) in place as a QDQ graph: each quantizable layer
 * (`Conv` with constant weights, `Add` of two activations) not kept in float gets `QuantizeLinear` →
 * `DequantizeLinear` pairs on its activation inputs and output (uint8, asymmetric, from `ranges`), its
 * weights as per-output-channel symmetric int8 behind a `DequantizeLinear` (axis 0), and its bias as int32
 * with scale input scale × weight scale. onnxruntime fuses these patterns into integer kernels
 * (`QLinearConv`, `QLinearAdd`). A `Relu` (or `Min(x, 0)`) that is the only reader of a quantized layer's
 * output is removed: the output's uint8 quantization, taken over its range (zero point 0, or 255), clips the same way.
 */
export function writeQdq(model: ModelProto, ranges: ActivationRanges, options: QdqOptions = {}): QdqReport {
  const graph = graphOf(model);
  const inits = initializerMap(model);
  const graphInputs = new Set((graph.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n)));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));

  const isCandidate = (node: NodeProto): boolean => {
    const [x, w, b] = node.input ?? [];
    if (node.opType === 'Conv') {
      const weight = inits.get(w ?? '');
      return ranges.has(x ?? '') && weight?.dataType === DataType.FLOAT && dimsOf(weight).length >= 3 && (b === undefined || b === '' || inits.get(b)?.dataType === DataType.FLOAT);
    }
    if (node.opType === 'Add') return (node.input ?? []).length === 2 && (node.input ?? []).every((i) => !inits.has(i) && ranges.has(i));
    return false;
  };
  const candidates = graph.node.filter(isCandidate);
  const keepFloat = new Set<NodeProto>();
  const named = new Set(options.floatNodes ?? []);
  for (const node of candidates) if (named.has(nameOf(node))) keepFloat.add(node);
  if (options.floatInputLayers !== false) for (const node of boundaryLayers(graph.node, candidates, graphInputs, 'forward')) keepFloat.add(node);
  if (options.floatOutputLayers !== false) for (const node of boundaryLayers(graph.node, candidates, graphOutputs, 'backward')) keepFloat.add(node);
  const selected = candidates.filter((n) => !keepFloat.has(n));

  const floatOutputOf = new Map(selected.map((n) => [n, n.output?.[0] ?? '']));
  // Fold a lone following Relu into the layer's output quantization.
  let foldedRelus = 0;
  const removed = new Set<NodeProto>();
  let consumers = consumerMap(graph.node);
  for (const node of selected) {
    const out = node.output?.[0] ?? '';
    const readers = consumers.get(out) ?? [];
    const relu = readers[0];
    if (readers.length !== 1 || !relu || !isClipAtZero(relu, inits) || graphOutputs.has(out) || !ranges.has(relu.output?.[0] ?? '')) continue;
    node.output = [relu.output?.[0] ?? ''];
    removed.add(relu);
    foldedRelus++;
  }
  graph.node = graph.node.filter((n) => !removed.has(n));
  consumers = consumerMap(graph.node);

  // Activation tensors to quantize, with their parameters.
  const activations = new Map<string, ActivationQuantization>();
  const need = (tensor: string): void => {
    const range = ranges.get(tensor);
    if (!range) throw new ModelFormatError(`No calibration range for tensor "${tensor}"`, { tensor });
    activations.set(tensor, activationQuantization(range));
  };
  for (const node of selected) {
    if (node.opType === 'Conv') need(node.input?.[0] ?? '');
    else for (const input of node.input ?? []) need(input);
    need(node.output?.[0] ?? '');
  }

  const added: TensorProto[] = [];
  const before: NodeProto[] = [];
  const after = new Map<string, NodeProto[]>();
  const rename = new Map<string, string>(); // tensor read by consumers → its dequantized copy
  for (const [tensor, q] of activations) {
    added.push(makeTensor(`${tensor}_scale`, DataType.FLOAT, [], [q.scale]), makeTensor(`${tensor}_zero_point`, DataType.UINT8, [], [q.zeroPoint]));
    let source = tensor;
    let dequantized = `${tensor}_dequantized`;
    if (graphOutputs.has(tensor)) {
      // Keep the graph output's name on the dequantized copy.
      source = `${tensor}_before_quantization`;
      dequantized = tensor;
      for (const node of graph.node) node.output = (node.output ?? []).map((o) => (o === tensor ? source : o));
    } else {
      rename.set(tensor, dequantized);
    }
    const pair: NodeProto[] = [
      { opType: 'QuantizeLinear', name: `${tensor}_QuantizeLinear`, input: [source, `${tensor}_scale`, `${tensor}_zero_point`], output: [`${tensor}_quantized`] },
      { opType: 'DequantizeLinear', name: `${tensor}_DequantizeLinear`, input: [`${tensor}_quantized`, `${tensor}_scale`, `${tensor}_zero_point`], output: [dequantized] },
    ];
    if (graphInputs.has(tensor)) before.push(...pair);
    else after.set(source, pair);
  }
  for (const node of graph.node) node.input = (node.input ?? []).map((i) => rename.get(i) ?? i);

  // Weights and biases of the quantized convolutions.
  const inputOf = new Map(selected.map((n) => [n, [...rename].find(([, d]) => d === n.input?.[0])?.[0] ?? n.input?.[0] ?? '']));
  const replaced = new Set<string>();
  const convOutputs: { node: string; conv: NodeProto; floatOutput: string; channels: number }[] = [];
  for (const node of selected) {
    if (node.opType !== 'Conv') continue;
    const [x, w, b] = node.input ?? [];
    const weight = inits.get(w ?? '') as TensorProto;
    const dims = dimsOf(weight);
    const channels = dims[0] as number;
    const floatWeights = floatValues(weight, 'the model');
    const { values, scales } = quantizeWeightsPerChannel(floatWeights, channels);
    const inputMeans = ranges.get(inputOf.get(node) ?? '')?.channelMeans;
    const id = nameOf(node);
    added.push(
      makeTensor(`${id}_weight_quantized`, DataType.INT8, dims, values),
      makeTensor(`${id}_weight_scale`, DataType.FLOAT, [channels], scales),
      makeTensor(`${id}_weight_zero_point`, DataType.INT8, [channels], new Int8Array(channels)),
    );
    before.push({
      opType: 'DequantizeLinear',
      name: `${id}_weight_DequantizeLinear`,
      input: [`${id}_weight_quantized`, `${id}_weight_scale`, `${id}_weight_zero_point`],
      output: [`${id}_weight_dequantized`],
      attribute: [intAttr('axis', 0)],
    });
    const inputs = [x ?? '', `${id}_weight_dequantized`];
    replaced.add(w ?? '');
    convOutputs.push({ node: id, conv: node, floatOutput: floatOutputOf.get(node) ?? '', channels });
    const shift = options.biasShifts?.get(id);
    if (shift && shift.length !== channels) throw new ModelFormatError(`Bias shift of "${id}" has ${shift.length} values for ${channels} channels`, { node: id });
    const weightCorrection = inputMeans !== undefined && options.weightBiasCorrection !== false;
    if (b || shift || weightCorrection) {
      const inputScale = activations.get([...rename].find(([, d]) => d === x)?.[0] ?? x ?? '')?.scale ?? 1;
      const bias = b ? floatValues(inits.get(b) as TensorProto, 'the model') : new Float32Array(channels);
      if (inputMeans && weightCorrection) correctBias(bias, floatWeights, values, scales, inputMeans, dims);
      if (shift) for (let c = 0; c < channels; c++) bias[c] = (bias[c] as number) + (shift[c] as number);
      const biasScales = scales.map((s) => s * inputScale);
      const quantized = Int32Array.from(bias, (v, c) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(v / (biasScales[c] as number)))));
      added.push(
        makeTensor(`${id}_bias_quantized`, DataType.INT32, [channels], quantized),
        makeTensor(`${id}_bias_scale`, DataType.FLOAT, [channels], biasScales),
        makeTensor(`${id}_bias_zero_point`, DataType.INT32, [channels], new Int32Array(channels)),
      );
      before.push({
        opType: 'DequantizeLinear',
        name: `${id}_bias_DequantizeLinear`,
        input: [`${id}_bias_quantized`, `${id}_bias_scale`, `${id}_bias_zero_point`],
        output: [`${id}_bias_dequantized`],
        attribute: [intAttr('axis', 0)],
      });
      inputs.push(`${id}_bias_dequantized`);
      if (b) replaced.add(b);
    }
    node.input = inputs;
  }

  const nodes: NodeProto[] = [...before];
  for (const node of graph.node) {
    nodes.push(node);
    for (const output of node.output ?? []) nodes.push(...(after.get(output) ?? []));
  }
  graph.node = nodes;
  const stillRead = new Set(nodes.flatMap((n) => n.input ?? []));
  graph.initializer = [...graph.initializer.filter((t) => !replaced.has(t.name ?? '') || stillRead.has(t.name ?? '')), ...added];
  graph.input = (graph.input ?? []).filter((i) => !replaced.has(i.name ?? '') || stillRead.has(i.name ?? ''));
  graph.valueInfo = [];
  return {
    quantized: selected.map(nameOf),
    float: candidates.filter((n) => keepFloat.has(n)).map(nameOf),
    foldedRelus,
    convOutputs: convOutputs.map(({ node, conv, floatOutput, channels }) => ({ node, output: conv.output?.[0] ?? '', floatOutput, channels })),
  };
}

/** `Relu(x)`, or `Min(x, 0)` / `Min(0, x)` with a constant zero: a clip that a uint8 output range can do. */
function isClipAtZero(node: NodeProto, inits: ReadonlyMap<string, TensorProto>): boolean {
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Min' || (node.input ?? []).length !== 2) return false;
  const constants = (node.input ?? []).map((i) => inits.get(i)).filter((t): t is TensorProto => t !== undefined);
  if (constants.length !== 1) return false;
  const [constant] = constants as [TensorProto];
  return constant.dataType === DataType.FLOAT && floatValues(constant, 'the model').every((v) => v === 0);
}

/**
 * The candidate layers first met walking from `boundary` tensors (graph inputs, walking forward; graph
 * outputs, walking backward) without passing through another candidate.
 */
function boundaryLayers(nodes: readonly NodeProto[], candidates: readonly NodeProto[], boundary: ReadonlySet<string>, direction: 'forward' | 'backward'): Set<NodeProto> {
  const isCandidate = new Set(candidates);
  const found = new Set<NodeProto>();
  const seen = new Set<string>(boundary);
  const queue = [...boundary];
  const readers = consumerMap(nodes);
  const producers = new Map<string, NodeProto>();
  for (const node of nodes) for (const o of node.output ?? []) producers.set(o, node);
  while (queue.length > 0) {
    const tensor = queue.pop() as string;
    const next = direction === 'forward' ? (readers.get(tensor) ?? []) : [producers.get(tensor)].filter((n): n is NodeProto => n !== undefined);
    for (const node of next) {
      if (isCandidate.has(node)) {
        found.add(node);
        continue;
      }
      for (const t of direction === 'forward' ? (node.output ?? []) : (node.input ?? [])) {
        if (!seen.has(t)) {
          seen.add(t);
          queue.push(t);
        }
      }
    }
  }
  return found;
}
