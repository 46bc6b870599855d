/** Element types the writer can declare for inputs, outputs and initializers. */
export type OnnxDataType = 'float32' | 'float64' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool';

/** A dimension: a fixed size, or a name for a size chosen at run time (e.g. `'batch'`). */
export type Dim = number | string;

/** A tensor of the graph (an input, an initializer or a node output), referred to by its unique name. */
export interface ValueRef {
  readonly name: string;
}

/** Typed array holding the elements of each {@link OnnxDataType} (`bool` as 0/1 bytes). */
export interface OnnxTypedArrays {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Constant tensor data for an initializer: element type, dimensions and the elements row-major. */
export type TensorData = {
  [T in OnnxDataType]: { readonly dtype: T; readonly dims: readonly number[]; readonly data: OnnxTypedArrays[T] };
}[OnnxDataType];

/**
 * An attribute value. ONNX distinguishes integer and float attributes, so numbers are tagged: build them
 * with {@link attr}.
 */
export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'tensor'; readonly value: TensorData };

/** Node attributes by name. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** Constructors of tagged {@link AttributeValue}s. */
export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
  ints: (value: readonly number[]): AttributeValue => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): AttributeValue => ({ kind: 'floats', value }),
  tensor: (value: TensorData): AttributeValue => ({ kind: 'tensor', value }),
} as const;
