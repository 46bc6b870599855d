/**
 * What the restricted unpickler produces. Python values map to plain JavaScript ones: `None` → `null`,
 * `bool` → `boolean`, `int` → `number` (or `bigint` beyond 2^53), `float` → `number`, `str` → `string`,
 * `bytes` → `Uint8Array`, `list` → array, `tuple` → {@link PickleTuple}, `dict`/`OrderedDict` →
 * {@link PickleDict}. Objects made by allowed globals (storages, tensors) are {@link PickleHostObject}s.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleHostObject;

/** A value usable as a dict key (Python hashables that state dicts use). */
export type PickleKey = string | number | bigint | boolean | null;

/** A Python tuple (kept apart from lists, which are plain arrays). */
export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/**
 * A Python `dict` or `collections.OrderedDict`, in insertion order. `attributes` holds instance attributes
 * that the pickle sets with `BUILD` (PyTorch stores a state dict's `_metadata` there).
 */
export class PickleDict extends Map<PickleKey, PickleValue> {
  /** Instance attributes (`obj.__dict__`) set by the pickle. */
  readonly attributes = new Map<string, PickleValue>();
}

/** An object created by an allowed global; `pickleType` names what it is (e.g. `torch.Tensor`). */
export interface PickleHostObject {
  readonly pickleType: string;
}

/**
 * An allowed Python global (class or function). The unpickler never runs code from the file: calling a
 * global (`REDUCE`) runs the TypeScript `call` given here, which checks its arguments.
 */
export interface PickleGlobal extends PickleHostObject {
  readonly pickleType: 'global';
  /** The Python module, e.g. `torch._utils`. */
  readonly module: string;
  /** The attribute name, e.g. `_rebuild_tensor_v2`. */
  readonly name: string;
  /** `global(*args)`; throws a `malformed` checkpoint error on unexpected arguments. */
  call(args: readonly PickleValue[]): PickleValue;
}

/** True for objects created by allowed globals (and the globals themselves). */
export function isPickleHostObject(value: PickleValue): value is PickleHostObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof PickleTuple) &&
    !(value instanceof PickleDict)
  );
}

/** True when `value` is an allowed global. */
export function isPickleGlobal(value: PickleValue): value is PickleGlobal {
  return isPickleHostObject(value) && value.pickleType === 'global';
}

/** True when `value` can be a dict key. */
export function isPickleKey(value: PickleValue): value is PickleKey {
  return value === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof value);
}
