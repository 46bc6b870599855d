import onnxProto from 'onnx-proto';
import type { AttributeValue, Dim, OnnxDataType, TensorData } from './types.js';

const { onnx } = onnxProto;

/** `TensorProto.DataType` codes. */
const DATA_TYPE_CODES: Readonly<Record<OnnxDataType, number>> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** The element data little-endian, as ONNX `raw_data` requires on any host. */
function rawData(tensor: TensorData): Uint8Array {
  const { data } = tensor;
  const bytes = new Uint8Array(data.byteLength);
  const view = new DataView(bytes.buffer);
  switch (tensor.dtype) {
    case 'float32':
      tensor.data.forEach((v, i) => view.setFloat32(i * 4, v, true));
      break;
    case 'float64':
      tensor.data.forEach((v, i) => view.setFloat64(i * 8, v, true));
      break;
    case 'int64':
      tensor.data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
      break;
    case 'int32':
      tensor.data.forEach((v, i) => view.setInt32(i * 4, v, true));
      break;
    case 'int8':
    case 'uint8':
    case 'bool':
      bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      break;
  }
  return bytes;
}

/** UTF-8 bytes of `text` (string attributes). */
function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const c = char.codePointAt(0) as number;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** A `TensorProto` with raw little-endian data. */
export function tensorProto(name: string, tensor: TensorData): onnxProto.onnx.ITensorProto {
  return { name, dims: [...tensor.dims], dataType: DATA_TYPE_CODES[tensor.dtype], rawData: rawData(tensor) };
}

/**
 * A `ValueInfoProto` for a dense tensor: named dims become `dim_param`, numbers `dim_value`; without a
 * shape the rank is left unknown.
 */
export function valueInfoProto(name: string, dtype: OnnxDataType, shape: readonly Dim[] | undefined): onnxProto.onnx.IValueInfoProto {
  const elemType = DATA_TYPE_CODES[dtype];
  if (shape === undefined) return { name, type: { tensorType: { elemType } } };
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

/** An `AttributeProto`. */
export function attributeProto(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const type = onnx.AttributeProto.AttributeType;
  switch (value.kind) {
    case 'int':
      return { name, type: type.INT, i: value.value };
    case 'float':
      return { name, type: type.FLOAT, f: value.value };
    case 'string':
      return { name, type: type.STRING, s: utf8(value.value) };
    case 'ints':
      return { name, type: type.INTS, ints: [...value.value] };
    case 'floats':
      return { name, type: type.FLOATS, floats: [...value.value] };
    case 'tensor':
      return { name, type: type.TENSOR, t: tensorProto('', value.value) };
  }
}

/** Serialises a `ModelProto` to bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  const encoded = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/** Parses `ModelProto` bytes (for inspecting what was written). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
