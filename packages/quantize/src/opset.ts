import { ModelFormatError } from '@pv/core';
import { DataType, defaultOpset, graphOf, intAttribute, intsAttribute, makeTensor, type ModelProto, type NodeProto } from './onnx-graph.js';

/** The opset a QDQ graph is written in: per-channel `QuantizeLinear`/`DequantizeLinear` (an `axis`) need 13. */
export const QDQ_OPSET = 13;

/** Operators whose meaning did not change between opset 7 and 13, so a graph of them only needs its opset import raised. */
const UNCHANGED = new Set([
  'Conv', 'Relu', 'PRelu', 'Min', 'Max', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Add', 'Sub', 'Mul', 'Div', 'Exp', 'Sqrt', 'Pow', 'Concat',
  'Transpose', 'Shape', 'Gather', 'Reshape', 'Constant', 'Identity', 'Flatten', 'GlobalAveragePool', 'MaxPool',
  'AveragePool', 'BatchNormalization', 'Gemm', 'MatMul', 'ReduceMean', 'ReduceMax', 'ReduceL2',
  'QuantizeLinear', 'DequantizeLinear',
]);

/** Ints past this mean "to the end" in `Slice`; kept exact in int64. */
const INT64_SAFE = 2 ** 62;

/**
 * Raises a graph's default-domain opset to {@link QDQ_OPSET}, rewriting the operators whose signature changed
 * on the way: `Unsqueeze`/`Squeeze` (axes become an input), `Slice` (starts, ends, axes become inputs),
 * `Clip` (min, max become inputs) and `Softmax`/`LogSoftmax` (kept only where the axis is the last one, where
 * old and new meanings agree; `ranks` gives tensor ranks, measured by running the model). The IR version is
 * raised to 7 when lower. Any other operator not known to be unchanged is refused (`E_MODEL_FORMAT`), so a
 * graph is never silently given another meaning.
 */
export function upgradeToQdqOpset(model: ModelProto, ranks: ReadonlyMap<string, number>): void {
  const from = defaultOpset(model);
  if (from > QDQ_OPSET) throw new ModelFormatError(`The model uses opset ${from}; the quantizer writes opset ${QDQ_OPSET} graphs`, { opset: from });
  const graph = graphOf(model);
  if (from < QDQ_OPSET) {
    for (const node of graph.node) {
      const domain = node.domain ?? '';
      if (domain !== '' && domain !== 'ai.onnx') throw unsupported(node, `domain ${domain}`);
      upgradeNode(node, ranks, (name, values) => {
        graph.initializer.push(makeTensor(name, DataType.INT64, [values.length], values.map((v) => Math.max(-INT64_SAFE, Math.min(INT64_SAFE, v)))));
        return name;
      }, (name, value) => {
        graph.initializer.push(makeTensor(name, DataType.FLOAT, [], [value]));
        return name;
      });
    }
  }
  model.opsetImport = [...(model.opsetImport ?? []).filter((o) => (o.domain ?? '') !== '' && o.domain !== 'ai.onnx'), { domain: '', version: QDQ_OPSET }];
  if (Number(model.irVersion ?? 0) < 7) model.irVersion = 7;
}

function upgradeNode(
  node: NodeProto,
  ranks: ReadonlyMap<string, number>,
  ints: (name: string, values: number[]) => string,
  float: (name: string, value: number) => string,
): void {
  const op = node.opType ?? '';
  const name = node.name || (node.output?.[0] ?? op);
  const take = (attribute: string): number[] | undefined => {
    const values = intsAttribute(node, attribute);
    node.attribute = (node.attribute ?? []).filter((a) => a.name !== attribute);
    return values;
  };
  if (UNCHANGED.has(op)) return;
  switch (op) {
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = take('axes');
      if (axes) node.input = [...(node.input ?? []), ints(`${name}_axes_v13`, axes)];
      return;
    }
    case 'Slice': {
      const starts = take('starts');
      const ends = take('ends');
      const axes = take('axes');
      if (starts === undefined || ends === undefined) return; // opset 10+ form already
      node.input = [...(node.input ?? []).slice(0, 1), ints(`${name}_starts_v13`, starts), ints(`${name}_ends_v13`, ends)];
      if (axes) node.input.push(ints(`${name}_axes_v13`, axes));
      return;
    }
    case 'Clip': {
      const min = node.attribute?.find((a) => a.name === 'min');
      const max = node.attribute?.find((a) => a.name === 'max');
      node.attribute = (node.attribute ?? []).filter((a) => a.name !== 'min' && a.name !== 'max');
      if (min || max) {
        node.input = [
          ...(node.input ?? []).slice(0, 1),
          min ? float(`${name}_min_v13`, min.f ?? 0) : '',
          ...(max ? [float(`${name}_max_v13`, max.f ?? 0)] : []),
        ];
      }
      return;
    }
    case 'Softmax':
    case 'LogSoftmax': {
      const rank = ranks.get(node.input?.[0] ?? '');
      const axis = intAttribute(node, 'axis') ?? 1;
      if (rank !== undefined && (axis === rank - 1 || axis === -1)) return;
      throw unsupported(node, `axis ${axis} of a rank-${rank ?? '?'} input (only the last axis keeps its meaning in opset ${QDQ_OPSET})`);
    }
    default:
      throw unsupported(node, 'an operator the quantizer does not know');
  }
}

function unsupported(node: NodeProto, why: string): ModelFormatError {
  return new ModelFormatError(`Cannot quantize: node "${node.name ?? ''}" (${node.opType ?? '?'}) has ${why}`, { node: node.name ?? '', op: node.opType ?? '' });
}
