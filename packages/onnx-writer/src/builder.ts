import { OnnxGraph } from './graph.js';
import { attr, type Attributes, type ValueRef } from './types.js';

/** Options shared by the operator helpers. */
export interface OpOptions {
  /** Base name of the output value (made unique). */
  readonly name?: string;
}

/** Convolution geometry (2-D convolutions use two-element `strides`/`dilations` and four `pads`). */
export interface ConvOptions extends OpOptions {
  readonly strides?: readonly number[];
  /** `[top, left, bottom, right]` for 2-D (begin values, then end values). */
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
}

/** Pooling geometry. */
export interface PoolOptions extends OpOptions {
  readonly kernelShape: readonly number[];
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  /** Round the output size up (PyTorch `ceil_mode=True`). */
  readonly ceilMode?: boolean;
}

/** Options of {@link OnnxGraphBuilder.averagePool}. */
export interface AveragePoolOptions extends PoolOptions {
  /** Count padded cells in the average (PyTorch's default is true). */
  readonly countIncludePad?: boolean;
}

/** Options of {@link OnnxGraphBuilder.gemm}. */
export interface GemmOptions extends OpOptions {
  readonly transA?: boolean;
  readonly transB?: boolean;
  readonly alpha?: number;
  readonly beta?: number;
}

/** Options of the reductions. */
export interface ReduceOptions extends OpOptions {
  /** Keep reduced axes as size 1 (default true, like ONNX). */
  readonly keepDims?: boolean;
}

/** The batch-norm parameters, each a 1-D tensor of the channel count. */
export interface BatchNormParameters {
  readonly scale: ValueRef;
  readonly bias: ValueRef;
  readonly mean: ValueRef;
  readonly variance: ValueRef;
}

function optionalPads(pads: readonly number[] | undefined): Attributes {
  return pads === undefined ? {} : { pads: attr.ints(pads) };
}

/**
 * {@link OnnxGraph} with helpers for the operators CNN converters need. Each helper adds one node (or a
 * constant) and returns its output. Constants are float32 unless named otherwise.
 */
export class OnnxGraphBuilder extends OnnxGraph {
  private single(opType: string, inputs: readonly (ValueRef | undefined)[], attributes: Attributes, options: OpOptions): ValueRef {
    return this.node(opType, inputs, attributes, options.name === undefined ? {} : { name: options.name })[0] as ValueRef;
  }

  /** A float32 constant of these dims. */
  float32(name: string, dims: readonly number[], data: Float32Array): ValueRef {
    return this.initializer(name, { dtype: 'float32', dims, data });
  }

  /** A float32 scalar constant (shape `[]`), for broadcasting. */
  scalar(value: number, name = 'scalar'): ValueRef {
    return this.float32(name, [], new Float32Array([value]));
  }

  /** A 1-D int64 constant (shapes, axes). */
  int64s(values: readonly number[], name = 'ints'): ValueRef {
    return this.initializer(name, { dtype: 'int64', dims: [values.length], data: BigInt64Array.from(values, (v) => BigInt(v)) });
  }

  /** `Conv`: `x` NCHW, `weight` [out, in/group, kH, kW], optional `bias` [out]. */
  conv(x: ValueRef, weight: ValueRef, bias: ValueRef | undefined, options: ConvOptions = {}): ValueRef {
    return this.single(
      'Conv',
      [x, weight, bias],
      {
        ...(options.strides === undefined ? {} : { strides: attr.ints(options.strides) }),
        ...optionalPads(options.pads),
        ...(options.dilations === undefined ? {} : { dilations: attr.ints(options.dilations) }),
        ...(options.group === undefined ? {} : { group: attr.int(options.group) }),
      },
      options,
    );
  }

  /** `BatchNormalization` in inference mode. */
  batchNormalization(x: ValueRef, parameters: BatchNormParameters, epsilon: number, options: OpOptions = {}): ValueRef {
    const { scale, bias, mean, variance } = parameters;
    return this.single('BatchNormalization', [x, scale, bias, mean, variance], { epsilon: attr.float(epsilon) }, options);
  }

  /** `Relu`. */
  relu(x: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Relu', [x], {}, options);
  }

  /** `PRelu`; for per-channel slopes on NCHW pass `slope` shaped [C, 1, 1]. */
  prelu(x: ValueRef, slope: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('PRelu', [x, slope], {}, options);
  }

  /** `MaxPool`. */
  maxPool(x: ValueRef, options: PoolOptions): ValueRef {
    return this.single(
      'MaxPool',
      [x],
      {
        kernel_shape: attr.ints(options.kernelShape),
        ...(options.strides === undefined ? {} : { strides: attr.ints(options.strides) }),
        ...optionalPads(options.pads),
        ...(options.ceilMode === true ? { ceil_mode: attr.int(1) } : {}),
      },
      options,
    );
  }

  /** `AveragePool`. */
  averagePool(x: ValueRef, options: AveragePoolOptions): ValueRef {
    return this.single(
      'AveragePool',
      [x],
      {
        kernel_shape: attr.ints(options.kernelShape),
        ...(options.strides === undefined ? {} : { strides: attr.ints(options.strides) }),
        ...optionalPads(options.pads),
        ...(options.ceilMode === true ? { ceil_mode: attr.int(1) } : {}),
        ...(options.countIncludePad === true ? { count_include_pad: attr.int(1) } : {}),
      },
      options,
    );
  }

  /** `GlobalAveragePool`: NCHW → NC11. */
  globalAveragePool(x: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('GlobalAveragePool', [x], {}, options);
  }

  /** `Concat` along `axis`. */
  concat(values: readonly ValueRef[], axis: number, options: OpOptions = {}): ValueRef {
    return this.single('Concat', values, { axis: attr.int(axis) }, options);
  }

  /** `Add` (broadcasting). */
  add(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Add', [a, b], {}, options);
  }

  /** `Sub` (broadcasting). */
  sub(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Sub', [a, b], {}, options);
  }

  /** `Mul` (broadcasting). */
  mul(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Mul', [a, b], {}, options);
  }

  /** `Div` (broadcasting). */
  div(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Div', [a, b], {}, options);
  }

  /** `Max` of two tensors (broadcasting), e.g. a lower bound. */
  max(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Max', [a, b], {}, options);
  }

  /** `Sqrt`. */
  sqrt(x: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Sqrt', [x], {}, options);
  }

  /** `Gemm`: `alpha * A' * B' + beta * C` with optional transposes. */
  gemm(a: ValueRef, b: ValueRef, c: ValueRef | undefined, options: GemmOptions = {}): ValueRef {
    return this.single(
      'Gemm',
      [a, b, c],
      {
        ...(options.transA === true ? { transA: attr.int(1) } : {}),
        ...(options.transB === true ? { transB: attr.int(1) } : {}),
        ...(options.alpha === undefined ? {} : { alpha: attr.float(options.alpha) }),
        ...(options.beta === undefined ? {} : { beta: attr.float(options.beta) }),
      },
      options,
    );
  }

  /** `MatMul` (numpy semantics). */
  matMul(a: ValueRef, b: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('MatMul', [a, b], {}, options);
  }

  /** `Flatten`: dims before `axis` become the first dim, the rest the second. */
  flatten(x: ValueRef, axis = 1, options: OpOptions = {}): ValueRef {
    return this.single('Flatten', [x], { axis: attr.int(axis) }, options);
  }

  /** `Reshape` to `shape` (0 copies the input dim, -1 is inferred). */
  reshape(x: ValueRef, shape: readonly number[], options: OpOptions = {}): ValueRef {
    return this.single('Reshape', [x, this.int64s(shape, 'shape')], {}, options);
  }

  /** `Transpose` with permutation `perm`. */
  transpose(x: ValueRef, perm: readonly number[], options: OpOptions = {}): ValueRef {
    return this.single('Transpose', [x], { perm: attr.ints(perm) }, options);
  }

  /** `Softmax` along `axis`. */
  softmax(x: ValueRef, axis: number, options: OpOptions = {}): ValueRef {
    return this.single('Softmax', [x], { axis: attr.int(axis) }, options);
  }

  /** `LpNormalization` along `axis` (`p` 1 or 2). No epsilon: a zero vector gives NaN. */
  lpNormalization(x: ValueRef, axis: number, p: 1 | 2 = 2, options: OpOptions = {}): ValueRef {
    return this.single('LpNormalization', [x], { axis: attr.int(axis), p: attr.int(p) }, options);
  }

  /** A `Reduce*` node; axes are an attribute before opset 18 and an input from 18 on. */
  private reduce(opType: string, x: ValueRef, axes: readonly number[], options: ReduceOptions): ValueRef {
    const keepdims = { keepdims: attr.int(options.keepDims === false ? 0 : 1) };
    if (this.opset >= 18) return this.single(opType, [x, this.int64s(axes, 'axes')], keepdims, options);
    return this.single(opType, [x], { axes: attr.ints(axes), ...keepdims }, options);
  }

  /** `ReduceMean` over `axes`. */
  reduceMean(x: ValueRef, axes: readonly number[], options: ReduceOptions = {}): ValueRef {
    return this.reduce('ReduceMean', x, axes, options);
  }

  /** `ReduceSumSquare` over `axes`. */
  reduceSumSquare(x: ValueRef, axes: readonly number[], options: ReduceOptions = {}): ValueRef {
    return this.reduce('ReduceSumSquare', x, axes, options);
  }

  /** `ReduceL2` (Euclidean norm) over `axes`. */
  reduceL2(x: ValueRef, axes: readonly number[], options: ReduceOptions = {}): ValueRef {
    return this.reduce('ReduceL2', x, axes, options);
  }

  /** `Identity` (e.g. to give a value a second name). */
  identity(x: ValueRef, options: OpOptions = {}): ValueRef {
    return this.single('Identity', [x], {}, options);
  }
}
