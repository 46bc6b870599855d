import type { PickleHostObject, PickleValue } from '../pickle/values.js';
import type { TensorDataByDType, TensorDType } from './dtypes.js';

/** A tensor of element type `D`: a contiguous, row-major copy of the checkpoint's (possibly strided) data. */
export interface TensorOf<D extends TensorDType> extends PickleHostObject {
  readonly pickleType: 'torch.Tensor';
  readonly dtype: D;
  /** Sizes, outermost first; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `shape`'s product elements, row-major. */
  readonly data: TensorDataByDType[D];
}

/** A tensor read from a checkpoint; switch on `dtype` to narrow `data`. */
export type Tensor = { [D in TensorDType]: TensorOf<D> }[TensorDType];

/** True when `value` is a {@link Tensor}. */
export function isTensor(value: PickleValue | undefined): value is Tensor {
  return typeof value === 'object' && value !== null && 'pickleType' in value && value.pickleType === 'torch.Tensor';
}

/** Number of elements of a tensor of this shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}
