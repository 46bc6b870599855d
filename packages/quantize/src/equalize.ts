import { consumerMap, DataType, dimsOf, floatValues, graphOf, initializerMap, intAttribute, makeTensor, type ModelProto, type NodeProto, type TensorProto } from './onnx-graph.js';

/**
 * A pair of convolutions joined by a per-channel positively homogeneous activation: `B(PRelu(A(h)))` (or
 * `B(Relu(A(h)))`, or `B(A(h))`), where `A`'s output and the activation's are read by nothing else. Scaling
 * channel c of `A`'s output by s > 0 (its weights and bias) and `B`'s input channel c by 1/s leaves the
 * result unchanged in float, since PRelu(s·x) = s·PRelu(x).
 */
export interface EqualizationPair {
  /** The first convolution (its output channels are scaled). */
  readonly first: string;
  /** The convolution reading the activation (its input channels are scaled back). */
  readonly second: string;
  /** The tensor between them whose per-channel ranges are equalized: `first`'s output. */
  readonly tensor: string;
  /** Whether `second` is depthwise (each input channel its own output channel: rescaling it costs no weight precision). */
  readonly depthwise: boolean;
}

const nameOf = (node: NodeProto): string => node.name || (node.output?.[0] ?? '');

/** The {@link EqualizationPair}s of a float graph (convolutions with constant float weights, no groups other than depthwise on `B`). */
export function equalizationPairs(model: ModelProto): EqualizationPair[] {
  const graph = graphOf(model);
  const inits = initializerMap(model);
  const readers = consumerMap(graph.node);
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  const floatWeight = (node: NodeProto | undefined): TensorProto | undefined => {
    const w = inits.get(node?.input?.[1] ?? '');
    return node?.opType === 'Conv' && w?.dataType === DataType.FLOAT && dimsOf(w).length === 4 ? w : undefined;
  };
  const only = (tensor: string): NodeProto | undefined => {
    const list = readers.get(tensor) ?? [];
    return list.length === 1 && !outputs.has(tensor) ? list[0] : undefined;
  };
  const pairs: EqualizationPair[] = [];
  for (const a of graph.node) {
    const wa = floatWeight(a);
    if (!wa || (intAttribute(a, 'group') ?? 1) !== 1 && (intAttribute(a, 'group') ?? 1) !== dimsOf(wa)[0]) continue;
    const x = a.output?.[0] ?? '';
    let next = only(x);
    if (next && (next.opType === 'PRelu' || next.opType === 'Relu')) {
      if (next.opType === 'PRelu' && !inits.has(next.input?.[1] ?? '')) continue;
      next = only(next.output?.[0] ?? '');
    }
    const wb = floatWeight(next);
    if (!next || !wb) continue;
    const channels = dimsOf(wa)[0] as number;
    const group = intAttribute(next, 'group') ?? 1;
    const depthwise = group === channels && dimsOf(wb)[0] === channels && dimsOf(wb)[1] === 1;
    if (!depthwise && (group !== 1 || dimsOf(wb)[1] !== channels)) continue;
    pairs.push({ first: nameOf(a), second: nameOf(next), tensor: x, depthwise });
  }
  return pairs;
}

/** Options of {@link equalizeChannels}. */
export interface EqualizeOptions {
  /**
   * For pairs whose second convolution is not depthwise, how far channel ranges are evened out, 0 (not at all)
   * to 1 (fully): s = (R / r)^strength. Shrinking an input channel of a dense convolution coarsens its int8
   * weights, so full equalization is not free there (default 0.5). Depthwise pairs are always equalized fully.
   */
  readonly denseStrength?: number;
  /** Only the pairs whose second convolution has one of these names (default: every pair). */
  readonly only?: readonly string[];
  /** The largest factor any channel is scaled by (default 64): channels that are nearly always 0 stay as they are. */
  readonly maxScale?: number;
}

/**
 * Cross-layer range equalization for activations (after Nagel et al. 2019, "Data-Free Quantization"): for
 * each {@link EqualizationPair}, scales the first convolution's output channels so that every channel of the
 * tensor between the two convolutions spans about the same range, and the second convolution's input
 * channels back. The graph computes the same in float; its activations, quantized with one scale per
 * tensor, then lose no precision in channels whose values are small. `absMax` holds each channel's largest
 * magnitude over the calibration inputs, by tensor name (from `collectChannelStatistics`). In place; returns
 * the pairs equalized.
 */
export function equalizeChannels(model: ModelProto, absMax: ReadonlyMap<string, Float32Array>, options: EqualizeOptions = {}): EqualizationPair[] {
  const graph = graphOf(model);
  const inits = initializerMap(model);
  const byName = new Map(graph.node.map((n) => [nameOf(n), n]));
  const done: EqualizationPair[] = [];
  const maxScale = options.maxScale ?? 64;
  // A tensor may be shared by several convolutions: give each scaled one its own copy.
  const readCount = new Map<string, number>();
  for (const node of graph.node) for (const input of node.input ?? []) readCount.set(input, (readCount.get(input) ?? 0) + 1);
  const own = (node: NodeProto, index: number): { tensor: TensorProto; values: Float32Array } | undefined => {
    const name = node.input?.[index] ?? '';
    const tensor = inits.get(name);
    if (!tensor || tensor.dataType !== DataType.FLOAT) return undefined;
    const values = floatValues(tensor, 'the model');
    if ((readCount.get(name) ?? 0) > 1) {
      const copy = makeTensor(`${name}_${nameOf(node)}_equalized`, DataType.FLOAT, dimsOf(tensor), values);
      graph.initializer.push(copy);
      inits.set(copy.name ?? '', copy);
      node.input = (node.input ?? []).map((v, i) => (i === index ? (copy.name ?? '') : v));
      readCount.set(name, (readCount.get(name) ?? 1) - 1);
      return { tensor: copy, values };
    }
    return { tensor, values };
  };
  const store = (tensor: TensorProto, values: Float32Array): void => {
    const fresh = makeTensor(tensor.name ?? '', DataType.FLOAT, dimsOf(tensor), values);
    tensor.rawData = fresh.rawData;
    tensor.floatData = [];
  };
  const only = options.only ? new Set(options.only) : undefined;
  for (const pair of equalizationPairs(model).filter((p) => !only || only.has(p.second))) {
    const ranges = absMax.get(pair.tensor);
    const a = byName.get(pair.first);
    const b = byName.get(pair.second);
    if (!ranges || !a || !b) continue;
    const largest = Math.max(...ranges);
    if (!(largest > 0)) continue;
    const strength = pair.depthwise ? 1 : (options.denseStrength ?? 0.5);
    const scales = Float32Array.from(ranges, (r) => (r > 0 ? Math.min(maxScale, (largest / r) ** strength) : 1));
    const wa = own(a, 1);
    const wb = own(b, 1);
    if (!wa || !wb) continue;
    const channels = scales.length;
    const perOut = wa.values.length / channels;
    for (let i = 0; i < wa.values.length; i++) wa.values[i] = (wa.values[i] as number) * (scales[Math.floor(i / perOut)] as number);
    store(wa.tensor, wa.values);
    if (a.input?.[2]) {
      const bias = own(a, 2);
      if (bias) {
        for (let c = 0; c < channels; c++) bias.values[c] = (bias.values[c] as number) * (scales[c] as number);
        store(bias.tensor, bias.values);
      }
    }
    const [outB = 0, inB = 0, kh = 1, kw = 1] = dimsOf(wb.tensor);
    const kernel = kh * kw;
    for (let o = 0; o < outB; o++) {
      for (let i = 0; i < inB; i++) {
        const channel = pair.depthwise ? o : i;
        for (let k = 0; k < kernel; k++) {
          const at = (o * inB + i) * kernel + k;
          wb.values[at] = (wb.values[at] as number) / (scales[channel] as number);
        }
      }
    }
    store(wb.tensor, wb.values);
    done.push(pair);
  }
  return done;
}
