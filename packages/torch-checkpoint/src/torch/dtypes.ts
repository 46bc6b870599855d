/** Element types the reader decodes (PyTorch's `torch.float32`, `torch.int64`, …). */
export type TensorDType = 'float32' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** The typed array holding each element type (`bool` as 0/1 bytes). */
export interface TensorDataByDType {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** How one element type is stored (little-endian) and held in memory. */
export interface DTypeCodec<D extends TensorDType> {
  readonly dtype: D;
  /** Bytes per element in a storage. */
  readonly size: number;
  create(length: number): TensorDataByDType[D];
  /** Reads the element at `byteOffset` of `view`. */
  read(view: DataView, byteOffset: number): TensorDataByDType[D][number];
}

/** The codec of every supported element type. */
export const DTYPE_CODECS: { readonly [D in TensorDType]: DTypeCodec<D> } = {
  float32: { dtype: 'float32', size: 4, create: (n) => new Float32Array(n), read: (v, o) => v.getFloat32(o, true) },
  float64: { dtype: 'float64', size: 8, create: (n) => new Float64Array(n), read: (v, o) => v.getFloat64(o, true) },
  int64: { dtype: 'int64', size: 8, create: (n) => new BigInt64Array(n), read: (v, o) => v.getBigInt64(o, true) },
  int32: { dtype: 'int32', size: 4, create: (n) => new Int32Array(n), read: (v, o) => v.getInt32(o, true) },
  int16: { dtype: 'int16', size: 2, create: (n) => new Int16Array(n), read: (v, o) => v.getInt16(o, true) },
  int8: { dtype: 'int8', size: 1, create: (n) => new Int8Array(n), read: (v, o) => v.getInt8(o) },
  uint8: { dtype: 'uint8', size: 1, create: (n) => new Uint8Array(n), read: (v, o) => v.getUint8(o) },
  bool: { dtype: 'bool', size: 1, create: (n) => new Uint8Array(n), read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
};

/** PyTorch storage class names (`torch.FloatStorage`, …) and the element type each holds. */
export const STORAGE_TYPE_DTYPES: Readonly<Record<string, TensorDType>> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};
