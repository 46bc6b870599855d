import { ModelFormatError } from '@pv/core';
import type { StateDict } from './state-dict.js';
import type { TensorDType } from './torch/dtypes.js';
import { elementCount, type Tensor } from './torch/tensor.js';

/** One size of an expected shape: an exact size, or `'*'` for any size. */
export type ExpectedSize = number | '*';

/** A tensor a network expects in its state dict. */
export interface TensorSpec {
  /** The state-dict key, e.g. `conv2d_1a.conv.weight`. */
  readonly key: string;
  readonly shape: readonly ExpectedSize[];
  /** Default `float32`. */
  readonly dtype?: TensorDType;
  /** The key may be absent (e.g. `num_batches_tracked` buffers, a classifier head). */
  readonly optional?: boolean;
}

/** The first way a state dict differs from the expected layout. */
export type LayoutMismatch =
  | { readonly kind: 'missing'; readonly key: string; readonly expected: TensorSpec }
  | { readonly kind: 'unexpected'; readonly key: string; readonly actualShape: readonly number[] }
  | { readonly kind: 'shape'; readonly key: string; readonly expected: TensorSpec; readonly actualShape: readonly number[] }
  | { readonly kind: 'dtype'; readonly key: string; readonly expected: TensorSpec; readonly actualDType: TensorDType };

function shapeMatches(expected: readonly ExpectedSize[], actual: readonly number[]): boolean {
  return expected.length === actual.length && expected.every((size, i) => size === '*' || size === actual[i]);
}

/**
 * Compares `stateDict` with `specs` and returns the first mismatch: the specs are checked in their order
 * (missing key, wrong dtype, wrong shape), then keys that no spec names are reported in the file's order.
 * Returns `undefined` when the layout matches.
 */
export function findLayoutMismatch(stateDict: StateDict, specs: readonly TensorSpec[]): LayoutMismatch | undefined {
  for (const spec of specs) {
    const tensor = stateDict.get(spec.key);
    if (tensor === undefined) {
      if (spec.optional === true) continue;
      return { kind: 'missing', key: spec.key, expected: spec };
    }
    if (tensor.dtype !== (spec.dtype ?? 'float32')) return { kind: 'dtype', key: spec.key, expected: spec, actualDType: tensor.dtype };
    if (!shapeMatches(spec.shape, tensor.shape)) return { kind: 'shape', key: spec.key, expected: spec, actualShape: tensor.shape };
  }
  const known = new Set(specs.map((spec) => spec.key));
  for (const [key, tensor] of stateDict) {
    if (!known.has(key)) return { kind: 'unexpected', key, actualShape: tensor.shape };
  }
  return undefined;
}

function describe(mismatch: LayoutMismatch): string {
  const shape = (sizes: readonly ExpectedSize[]): string => `[${sizes.join(', ')}]`;
  switch (mismatch.kind) {
    case 'missing':
      return `missing tensor ${mismatch.key} (expected shape ${shape(mismatch.expected.shape)})`;
    case 'unexpected':
      return `unexpected tensor ${mismatch.key} of shape ${shape(mismatch.actualShape)}`;
    case 'shape':
      return `tensor ${mismatch.key} has shape ${shape(mismatch.actualShape)}, expected ${shape(mismatch.expected.shape)}`;
    case 'dtype':
      return `tensor ${mismatch.key} is ${mismatch.actualDType}, expected ${mismatch.expected.dtype ?? 'float32'}`;
  }
}

/**
 * A state dict does not have the layout a network needs: a {@link ModelFormatError} of `@pv/core` (code
 * `E_MODEL_FORMAT`) whose `details` name the first mismatch.
 */
export class StateDictLayoutError extends ModelFormatError {
  /** The first difference found. */
  readonly mismatch: LayoutMismatch;

  constructor(mismatch: LayoutMismatch, what = 'state dict') {
    super(`The ${what} does not match the expected layout: ${describe(mismatch)}`, {
      reason: 'layout-mismatch',
      kind: mismatch.kind,
      key: mismatch.key,
    });
    this.mismatch = mismatch;
  }
}

/** Throws {@link StateDictLayoutError} naming the first mismatch (see {@link findLayoutMismatch}). `what` names the file in the message. */
export function assertStateDictLayout(stateDict: StateDict, specs: readonly TensorSpec[], what?: string): void {
  const mismatch = findLayoutMismatch(stateDict, specs);
  if (mismatch !== undefined) throw new StateDictLayoutError(mismatch, what);
}

/** The elements of the float32 tensor `key`; throws {@link StateDictLayoutError} when it is missing or not float32. */
export function float32Tensor(stateDict: StateDict, key: string): Float32Array {
  const tensor: Tensor | undefined = stateDict.get(key);
  if (tensor === undefined) throw new StateDictLayoutError({ kind: 'missing', key, expected: { key, shape: [] } });
  if (tensor.dtype !== 'float32') {
    throw new StateDictLayoutError({ kind: 'dtype', key, expected: { key, shape: tensor.shape }, actualDType: tensor.dtype });
  }
  return tensor.data;
}

/** Total number of elements of the tensors of `stateDict` whose keys pass `include` (default: all). */
export function countParameters(stateDict: StateDict, include: (key: string) => boolean = () => true): number {
  let total = 0;
  for (const [key, tensor] of stateDict) if (include(key)) total += elementCount(tensor.shape);
  return total;
}
