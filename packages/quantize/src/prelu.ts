import { consumerMap, DataType, dimsOf, floatValues, graphOf, initializerMap, intAttr, makeTensor, type ModelProto, type NodeProto } from './onnx-graph.js';

/**
 * What the quantizer does with `PRelu` layers: `keep` leaves them in float between a `DequantizeLinear` and
 * a `QuantizeLinear` (onnxruntime has no integer PRelu kernel); `decompose` rewrites each one whose input is
 * a convolution into operations that all have integer kernels (see {@link decomposePRelu}).
 */
export type PReluMode = 'keep' | 'decompose';

/** The PRelu modes, for option parsing. */
export const PRELU_MODES: readonly PReluMode[] = ['keep', 'decompose'];

/** What {@link decomposePRelu} did. */
export interface PReluReport {
  /** PRelu nodes rewritten (by name or output). */
  readonly decomposed: readonly string[];
  /** PRelu nodes left as they are (input not a convolution with constant weights read only by the PRelu, or `skip`). */
  readonly kept: readonly string[];
}

const nameOf = (node: NodeProto): string => node.name || (node.output?.[0] ?? '');

/**
 * Rewrites, in place and in float, each `y = PRelu(x)` whose `x = Conv(h; W, b)` is read by the PRelu only, as
 *
 *     p = Relu(Conv(h; W, b))          the positive part
 *     m = Min(Conv(h; W, b), 0)        the negative part, a second convolution with the same weights
 *     t = Conv(m; slope), group = C    a depthwise 1x1 convolution: slope × m per channel
 *     y = Add(p, t)
 *
 * which is exactly PRelu in float (Relu(x) + slope·min(x, 0)). Once quantized (see `writeQdq`), the Relu and the
 * Min disappear into the uint8 output ranges of their convolutions ([0, max] with zero point 0, [min, 0] with
 * zero point 255), the slope becomes a per-channel int8 weight and the Add an integer add: every operation of
 * the block has an integer kernel in onnxruntime, at the price of the producing convolution run twice.
 * PRelus whose producing convolution reads a tensor in `skipInputs` (e.g. the graph input, whose layer stays
 * float) are kept.
 */
export function decomposePRelu(model: ModelProto, skipInputs: ReadonlySet<string> = new Set()): PReluReport {
  const graph = graphOf(model);
  const inits = initializerMap(model);
  const readers = consumerMap(graph.node);
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node) for (const o of node.output ?? []) producers.set(o, node);
  const decomposed: string[] = [];
  const kept: string[] = [];
  const zero = '__pv_prelu_zero';
  const replacement = new Map<NodeProto, NodeProto[]>();
  const removed = new Set<NodeProto>();
  for (const node of graph.node) {
    if (node.opType !== 'PRelu') continue;
    const [x = '', s = ''] = node.input ?? [];
    const conv = producers.get(x);
    const slope = inits.get(s);
    const weight = inits.get(conv?.input?.[1] ?? '');
    const ok =
      conv?.opType === 'Conv' &&
      (readers.get(x) ?? []).length === 1 &&
      !skipInputs.has(conv.input?.[0] ?? '') &&
      weight?.dataType === DataType.FLOAT &&
      slope?.dataType === DataType.FLOAT;
    if (!ok || !conv || !slope || !weight) {
      kept.push(nameOf(node));
      continue;
    }
    const channels = dimsOf(weight)[0] as number;
    const values = floatValues(slope, 'the model');
    if (values.length !== channels && values.length !== 1) {
      kept.push(nameOf(node));
      continue;
    }
    const id = nameOf(node);
    const y = node.output?.[0] ?? '';
    const slopeWeight = `${id}_slope_weight`;
    graph.initializer.push(makeTensor(slopeWeight, DataType.FLOAT, [channels, 1, 1, 1], Float32Array.from({ length: channels }, (_, c) => values[values.length === 1 ? 0 : c] as number)));
    const negativeConv: NodeProto = { ...conv, name: `${nameOf(conv)}_negative`, output: [`${id}_negative_x`] };
    const p: NodeProto = { opType: 'Relu', name: `${id}_positive`, input: [x], output: [`${id}_positive`] };
    const m: NodeProto = { opType: 'Min', name: `${id}_negative`, input: [`${id}_negative_x`, zero], output: [`${id}_negative`] };
    const t: NodeProto = {
      opType: 'Conv',
      name: `${id}_slope`,
      input: [`${id}_negative`, slopeWeight],
      output: [`${id}_slope`],
      attribute: [intAttr('group', channels), { name: 'kernel_shape', type: 7, ints: [1, 1] }],
    };
    const add: NodeProto = { opType: 'Add', name: `${id}_add`, input: [`${id}_positive`, `${id}_slope`], output: [y] };
    replacement.set(conv, [conv, negativeConv]);
    replacement.set(node, [p, m, t, add]);
    removed.add(node);
    decomposed.push(id);
  }
  if (decomposed.length > 0) {
    graph.initializer.push(makeTensor(zero, DataType.FLOAT, [], [0]));
    graph.node = graph.node.flatMap((n) => replacement.get(n) ?? [n]);
    const read = new Set(graph.node.flatMap((n) => n.input ?? []));
    graph.initializer = graph.initializer.filter((t) => read.has(t.name ?? ''));
  }
  return { decomposed, kept };
}
