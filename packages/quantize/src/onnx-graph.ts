import { ModelFormatError } from '@pv/core';
import type { decodeModel } from '@pv/onnx-writer';
import type onnxProto from 'onnx-proto';

/** A decoded ONNX model (`ModelProto`), as `decodeModel` of `@pv/onnx-writer` returns it. */
export type ModelProto = ReturnType<typeof decodeModel>;
/** A graph node. */
export type NodeProto = onnxProto.onnx.INodeProto;
/** A constant tensor. */
export type TensorProto = onnxProto.onnx.ITensorProto;
/** A node attribute. */
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** `TensorProto.DataType` codes used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;

/** `AttributeProto.AttributeType` codes used here. */
const AttributeType = { INT: 2, INTS: 7 } as const;

/** A protobuf int64 (protobufjs decodes them as `Long`) or a plain number, as a number. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/** The dims of a tensor as numbers. */
export function dimsOf(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map((d) => toNumber(d));
}

/** The elements of a float32 initializer (raw little-endian data or `float_data`). */
export function floatValues(tensor: TensorProto, modelName: string): Float32Array {
  if (tensor.dataType !== DataType.FLOAT) {
    throw new ModelFormatError(`Tensor "${tensor.name}" of ${modelName} is not float32 (data type ${tensor.dataType})`, { tensor: tensor.name ?? '' });
  }
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** Little-endian bytes of `values` in the element type `dataType` (FLOAT, INT8, UINT8, INT32 or INT64). */
function rawBytes(dataType: number, values: ArrayLike<number>): Uint8Array {
  const size = dataType === DataType.INT64 ? 8 : dataType === DataType.FLOAT || dataType === DataType.INT32 ? 4 : 1;
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (dataType === DataType.FLOAT) view.setFloat32(i * 4, v, true);
    else if (dataType === DataType.INT32) view.setInt32(i * 4, v, true);
    else if (dataType === DataType.INT64) view.setBigInt64(i * 8, BigInt(v), true);
    else if (dataType === DataType.INT8) view.setInt8(i, v);
    else view.setUint8(i, v);
  }
  return bytes;
}

/** A tensor with raw little-endian data. */
export function makeTensor(name: string, dataType: number, dims: readonly number[], values: ArrayLike<number>): TensorProto {
  return { name, dataType, dims: [...dims], rawData: rawBytes(dataType, values) };
}

/** The int or ints attribute `name` of `node` (undefined when absent). */
export function intAttribute(node: NodeProto, name: string): number | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? toNumber(a.i) : undefined;
}

/** The ints attribute `name` of `node` (undefined when absent). */
export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? (a.ints ?? []).map((v) => toNumber(v)) : undefined;
}

/** An int attribute. */
export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

/** The graph of `model`; `E_MODEL_FORMAT` when there is none. */
export function graphOf(model: ModelProto): onnxProto.onnx.IGraphProto & { node: NodeProto[]; initializer: TensorProto[] } {
  const graph = model.graph;
  if (!graph) throw new ModelFormatError('The ONNX model has no graph');
  graph.node ??= [];
  graph.initializer ??= [];
  return graph as onnxProto.onnx.IGraphProto & { node: NodeProto[]; initializer: TensorProto[] };
}

/** The default-domain opset the model imports (0 when none). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport?.find((o) => o.domain === '' || o.domain === 'ai.onnx' || o.domain == null);
  return toNumber(entry?.version);
}

/** Initializers by name. */
export function initializerMap(model: ModelProto): Map<string, TensorProto> {
  return new Map(graphOf(model).initializer.map((t) => [t.name ?? '', t]));
}

/** For each tensor name, the nodes that read it. */
export function consumerMap(nodes: readonly NodeProto[]): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      if (input === '') continue;
      const list = map.get(input);
      if (list) list.push(node);
      else map.set(input, [node]);
    }
  }
  return map;
}
