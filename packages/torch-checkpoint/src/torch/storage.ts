import { CheckpointFormatError } from '../errors.js';
import { isPickleHostObject, PickleTuple, type PickleGlobal, type PickleHostObject, type PickleValue } from '../pickle/values.js';
import type { TensorDType } from './dtypes.js';

/** A storage class global (`torch.FloatStorage`, …): only ever a marker inside persistent ids. */
export interface StorageTypeGlobal extends PickleGlobal {
  readonly dtype: TensorDType;
}

/** A reference to (a slice of) a raw storage, made from a persistent id; the bytes are found later by key. */
export interface StorageRef extends PickleHostObject {
  readonly pickleType: 'torch.Storage';
  readonly dtype: TensorDType;
  /** Key of the root storage (legacy: its position in the storage list; zip: `data/<key>`). */
  readonly key: string;
  /** Elements of the root storage, as the pickle declares it. */
  readonly rootLength: number;
  /** Where this storage starts inside the root storage, in elements (legacy storage views). */
  readonly elementOffset: number;
  /** Elements of this storage. */
  readonly length: number;
}

/** A tensor as the pickle describes it: strided over a storage whose bytes may come after the pickle. */
export interface TensorRef extends PickleHostObject {
  readonly pickleType: 'torch.TensorRef';
  readonly storage: StorageRef;
  readonly storageOffset: number;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
}

/** Throws a `malformed` error about `what`. */
export function malformedValue(what: string): CheckpointFormatError {
  return new CheckpointFormatError('malformed', `Malformed checkpoint: ${what}`);
}

/** `value` as a non-negative safe integer, or a `malformed` error naming `what`. */
export function asIndex(value: PickleValue | undefined, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw malformedValue(`${what} is not a non-negative integer`);
  return value;
}

/** `value` as a tuple of non-negative integers (sizes, strides), or a `malformed` error naming `what`. */
export function asIndexTuple(value: PickleValue | undefined, what: string): number[] {
  if (!(value instanceof PickleTuple)) throw malformedValue(`${what} is not a tuple`);
  return value.items.map((item, i) => asIndex(item, `${what}[${i}]`));
}

function asString(value: PickleValue | undefined, what: string): string {
  if (typeof value !== 'string') throw malformedValue(`${what} is not a string`);
  return value;
}

function asStorageType(value: PickleValue | undefined): StorageTypeGlobal {
  if (value === undefined || !isPickleHostObject(value) || !('dtype' in value) || value.pickleType !== 'global') {
    throw malformedValue('storage persistent id without a storage type');
  }
  return value as StorageTypeGlobal;
}

/**
 * Reads a storage persistent id. Legacy files use
 * `('storage', type, root_key, location, root_length, view)` where `view` is `None` or
 * `(view_key, offset, length)`; zip files use `('storage', type, key, location, length)`.
 */
export function storageRefFromPersistentId(id: PickleValue, format: 'legacy' | 'zip'): StorageRef {
  if (!(id instanceof PickleTuple) || id.items[0] !== 'storage') throw malformedValue('unsupported persistent id');
  const expectedLength = format === 'legacy' ? 6 : 5;
  if (id.items.length !== expectedLength) throw malformedValue(`storage persistent id of ${id.items.length} items`);
  const { dtype } = asStorageType(id.items[1]);
  const key = asString(id.items[2], 'storage key');
  asString(id.items[3], 'storage location');
  const rootLength = asIndex(id.items[4], 'storage length');
  const view = id.items[5];
  if (view === undefined || view === null) {
    return { pickleType: 'torch.Storage', dtype, key, rootLength, elementOffset: 0, length: rootLength };
  }
  if (!(view instanceof PickleTuple) || view.items.length !== 3) throw malformedValue('storage view is not (key, offset, length)');
  const elementOffset = asIndex(view.items[1], 'storage view offset');
  const length = asIndex(view.items[2], 'storage view length');
  if (elementOffset + length > rootLength) throw malformedValue(`storage view of ${key} exceeds its root storage`);
  return { pickleType: 'torch.Storage', dtype, key, rootLength, elementOffset, length };
}

/** True when `value` is a {@link StorageRef}. */
export function isStorageRef(value: PickleValue | undefined): value is StorageRef {
  return value !== undefined && isPickleHostObject(value) && value.pickleType === 'torch.Storage';
}

/** True when `value` is a {@link TensorRef}. */
export function isTensorRef(value: PickleValue | undefined): value is TensorRef {
  return value !== undefined && isPickleHostObject(value) && value.pickleType === 'torch.TensorRef';
}
