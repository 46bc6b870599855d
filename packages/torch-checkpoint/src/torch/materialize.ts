import { CheckpointFormatError } from '../errors.js';
import { PickleDict, PickleTuple, type PickleValue } from '../pickle/values.js';
import { DTYPE_CODECS, type DTypeCodec, type TensorDataByDType, type TensorDType } from './dtypes.js';
import { isStorageRef, isTensorRef, malformedValue, type StorageRef, type TensorRef } from './storage.js';
import { elementCount, type Tensor, type TensorOf } from './tensor.js';

/** The bytes of each root storage, by key, and the number of elements each holds. */
export type StorageBytes = ReadonlyMap<string, Uint8Array>;

function storageView(storage: StorageRef, storages: StorageBytes, codec: DTypeCodec<TensorDType>): DataView {
  const bytes = storages.get(storage.key);
  if (bytes === undefined) throw malformedValue(`storage ${storage.key} is referenced but missing`);
  const needed = storage.rootLength * codec.size;
  if (bytes.length < needed) {
    throw new CheckpointFormatError(
      'truncated',
      `Storage ${storage.key} holds ${bytes.length} bytes but ${storage.rootLength} ${storage.dtype} elements need ${needed}`,
      { storage: storage.key, length: bytes.length, needed },
    );
  }
  return new DataView(bytes.buffer, bytes.byteOffset, needed);
}

/** Copies a strided view of a storage into a new contiguous row-major array. */
function gather<D extends TensorDType>(codec: DTypeCodec<D>, view: DataView, ref: TensorRef): TensorDataByDType[D] {
  const { shape, stride } = ref;
  const count = elementCount(shape);
  const out = codec.create(count);
  if (count === 0) return out;
  const base = ref.storage.elementOffset + ref.storageOffset;
  let last = base;
  for (let d = 0; d < shape.length; d++) last += ((shape[d] as number) - 1) * (stride[d] as number);
  if (last >= ref.storage.elementOffset + ref.storage.length) {
    throw malformedValue(`tensor of shape [${shape.join(', ')}] reaches past the end of storage ${ref.storage.key}`);
  }
  const target = out as unknown as { [index: number]: TensorDataByDType[D][number] };
  const rank = shape.length;
  const innerSize = rank === 0 ? 1 : (shape[rank - 1] as number);
  const innerStride = rank === 0 ? 0 : (stride[rank - 1] as number);
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let offset = base;
  for (let written = 0; written < count; ) {
    for (let i = 0; i < innerSize; i++) target[written++] = codec.read(view, (offset + i * innerStride) * codec.size);
    // Advance the outer indices like an odometer.
    for (let d = rank - 2; d >= 0; d--) {
      offset += stride[d] as number;
      if (++(index[d] as number) < (shape[d] as number)) break;
      offset -= (shape[d] as number) * (stride[d] as number);
      index[d] = 0;
    }
  }
  return out;
}

function toTensor(ref: TensorRef, storages: StorageBytes): Tensor {
  const codec = DTYPE_CODECS[ref.storage.dtype] as DTypeCodec<TensorDType>;
  const data = gather(codec, storageView(ref.storage, storages, codec), ref);
  const tensor: TensorOf<TensorDType> = { pickleType: 'torch.Tensor', dtype: ref.storage.dtype, shape: ref.shape, data };
  return tensor as Tensor;
}

/**
 * Returns a copy of `value` in which every tensor reference is replaced by a {@link Tensor} read from
 * `storages`. Bare storages (outside tensors) are refused as `malformed`.
 */
export function materializeTensors(value: PickleValue, storages: StorageBytes): PickleValue {
  if (isTensorRef(value)) return toTensor(value, storages);
  if (isStorageRef(value)) throw malformedValue('a bare storage outside a tensor');
  if (Array.isArray(value)) return value.map((item) => materializeTensors(item, storages));
  if (value instanceof PickleTuple) return new PickleTuple(value.items.map((item) => materializeTensors(item, storages)));
  if (value instanceof PickleDict) {
    const copy = new PickleDict();
    for (const [key, item] of value) copy.set(key, materializeTensors(item, storages));
    for (const [key, item] of value.attributes) copy.attributes.set(key, materializeTensors(item, storages));
    return copy;
  }
  return value;
}
