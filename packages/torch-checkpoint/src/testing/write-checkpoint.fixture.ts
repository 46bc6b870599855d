import { strToU8, zipSync } from 'fflate';
import { elementCount } from '../torch/tensor.js';
import { PickleWriter } from './pickle-writer.fixture.js';

/** One tensor to write: its values row-major. */
export interface CheckpointEntry {
  readonly key: string;
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/**
 * How tensors sit in their storages:
 * - `contiguous`: one storage per tensor, row-major;
 * - `column-major`: one storage per tensor, dimensions reversed in memory (strides `1, d0, d0*d1, …`), as
 *   in facenet-pytorch's converted files;
 * - `shared`: all float32 tensors in one storage at increasing offsets, row-major.
 */
export type StorageLayout = 'contiguous' | 'column-major' | 'shared';

/** Options of {@link writeCheckpoint}. */
export interface WriteCheckpointOptions {
  readonly format: 'legacy' | 'zip';
  readonly layout?: StorageLayout;
  /** Folder name inside the zip archive (default `archive`). */
  readonly archiveName?: string;
}

interface PlacedTensor {
  readonly entry: CheckpointEntry;
  readonly storageKey: string;
  readonly offset: number;
  readonly stride: readonly number[];
}

interface Storage {
  readonly key: string;
  readonly dtype: 'float32' | 'int64';
  readonly values: Float32Array | BigInt64Array;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  return strides;
}

function columnMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = 1; d < shape.length; d++) strides[d] = (strides[d - 1] as number) * (shape[d - 1] as number);
  return strides;
}

/** Scatters row-major `values` into `target` at `offset` with `stride`. */
function scatter(values: Float32Array | BigInt64Array, shape: readonly number[], stride: readonly number[], target: Float32Array | BigInt64Array, offset: number): void {
  const index = new Array<number>(shape.length).fill(0);
  const out = target as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < values.length; i++) {
    let position = offset;
    for (let d = 0; d < shape.length; d++) position += (index[d] as number) * (stride[d] as number);
    out[position] = values[i] as number | bigint;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++(index[d] as number) < (shape[d] as number)) break;
      index[d] = 0;
    }
  }
}

function place(entries: readonly CheckpointEntry[], layout: StorageLayout): { tensors: PlacedTensor[]; storages: Storage[] } {
  const tensors: PlacedTensor[] = [];
  const storages: Storage[] = [];
  const sharedFloats = entries.filter((e) => layout === 'shared' && e.data instanceof Float32Array);
  let sharedStorage: Storage | undefined;
  if (sharedFloats.length > 0) {
    sharedStorage = { key: '0', dtype: 'float32', values: new Float32Array(sharedFloats.reduce((n, e) => n + e.data.length, 0)) };
    storages.push(sharedStorage);
  }
  let sharedOffset = 0;
  for (const entry of entries) {
    if (entry.data.length !== elementCount(entry.shape)) throw new Error(`${entry.key}: data length does not match its shape`);
    const stride = layout === 'column-major' ? columnMajorStrides(entry.shape) : rowMajorStrides(entry.shape);
    if (sharedStorage !== undefined && entry.data instanceof Float32Array) {
      scatter(entry.data, entry.shape, stride, sharedStorage.values, sharedOffset);
      tensors.push({ entry, storageKey: sharedStorage.key, offset: sharedOffset, stride });
      sharedOffset += entry.data.length;
      continue;
    }
    const storage: Storage = entry.data instanceof Float32Array
      ? { key: String(storages.length), dtype: 'float32', values: new Float32Array(entry.data.length) }
      : { key: String(storages.length), dtype: 'int64', values: new BigInt64Array(entry.data.length) };
    scatter(entry.data, entry.shape, stride, storage.values, 0);
    storages.push(storage);
    tensors.push({ entry, storageKey: storage.key, offset: 0, stride });
  }
  return { tensors, storages };
}

function storageBytes(storage: Storage): Uint8Array {
  const bytes = new Uint8Array(storage.values.length * (storage.dtype === 'float32' ? 4 : 8));
  const view = new DataView(bytes.buffer);
  storage.values.forEach((value: number | bigint, i: number) => {
    if (storage.dtype === 'float32') view.setFloat32(i * 4, value as number, true);
    else view.setBigInt64(i * 8, value as bigint, true);
  });
  return bytes;
}

function orderedDict(pickle: PickleWriter): PickleWriter {
  return pickle.global('collections', 'OrderedDict').emptyTuple().reduce();
}

/** The object pickle of a state dict, as `torch.save` writes it (with `_metadata` set by BUILD). */
function stateDictPickle(tensors: readonly PlacedTensor[], storages: readonly Storage[], format: 'legacy' | 'zip'): Uint8Array {
  const pickle = orderedDict(new PickleWriter().proto()).mark();
  for (const { entry, storageKey, offset, stride } of tensors) {
    const storage = storages.find((s) => s.key === storageKey) as Storage;
    pickle.str(entry.key).global('torch._utils', '_rebuild_tensor_v2').mark();
    pickle.mark().str('storage').global('torch', storage.dtype === 'float32' ? 'FloatStorage' : 'LongStorage');
    pickle.str(storageKey).str('cpu').int(storage.values.length);
    if (format === 'legacy') pickle.none();
    pickle.tuple().persistentId().int(offset);
    pickle.mark();
    for (const size of entry.shape) pickle.int(size);
    pickle.tuple().mark();
    for (const step of stride) pickle.int(step);
    pickle.tuple().bool(false);
    orderedDict(pickle).tuple().reduce();
  }
  pickle.setItems();
  // state_dict._metadata = OrderedDict([('', {'version': 1})])
  pickle.emptyDict().mark().str('_metadata');
  orderedDict(pickle).mark().str('').emptyDict().mark().str('version').int(1).setItems().setItems();
  pickle.setItems().build();
  return pickle.stop().bytes();
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function legacyHeader(): Uint8Array[] {
  const magic = new PickleWriter().proto().int(0x1950a86a20f9469cfc6cn).stop().bytes();
  const protocol = new PickleWriter().proto().int(1001).stop().bytes();
  const sysInfo = new PickleWriter().proto().emptyDict().mark();
  sysInfo.str('protocol_version').int(1001).str('little_endian').bool(true);
  sysInfo.str('type_sizes').emptyDict().mark().str('short').int(2).str('int').int(4).str('long').int(4).setItems();
  return [magic, protocol, sysInfo.setItems().stop().bytes()];
}

/**
 * Writes a state dict as `torch.save` would (test-only): the legacy serialisation or the zip one, with
 * the chosen storage layout. Only float32 and int64 tensors.
 */
export function writeCheckpoint(entries: readonly CheckpointEntry[], options: WriteCheckpointOptions): Uint8Array {
  const { tensors, storages } = place(entries, options.layout ?? 'contiguous');
  const objectPickle = stateDictPickle(tensors, storages, options.format);
  if (options.format === 'zip') {
    const name = options.archiveName ?? 'archive';
    const files: Record<string, Uint8Array> = {
      [`${name}/data.pkl`]: objectPickle,
      [`${name}/byteorder`]: strToU8('little'),
      [`${name}/version`]: strToU8('3\n'),
    };
    for (const storage of storages) files[`${name}/data/${storage.key}`] = storageBytes(storage);
    return zipSync(files, { level: 0 });
  }
  const keys = new PickleWriter().proto().emptyList().mark();
  for (const storage of storages) keys.str(storage.key);
  const parts = [...legacyHeader(), objectPickle, keys.appends().stop().bytes()];
  for (const storage of storages) {
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(storage.values.length), true);
    parts.push(length, storageBytes(storage));
  }
  return concat(parts);
}
