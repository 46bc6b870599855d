import { ByteReader } from '../byte-reader.js';
import { CheckpointFormatError } from '../errors.js';
import { unpickle } from '../pickle/unpickler.js';
import { PickleDict, type PickleValue } from '../pickle/values.js';
import { DTYPE_CODECS } from '../torch/dtypes.js';
import { resolveStateDictGlobal } from '../torch/globals.js';
import { materializeTensors } from '../torch/materialize.js';
import { malformedValue, storageRefFromPersistentId, type StorageRef } from '../torch/storage.js';

/** `torch.serialization.MAGIC_NUMBER`, the first pickle of a legacy file. */
export const LEGACY_MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
/** `torch.serialization.PROTOCOL_VERSION`, the second pickle. */
const LEGACY_PROTOCOL_VERSION = 1001;

/**
 * True when `bytes` starts like a legacy `torch.save` file: a protocol-2 pickle of the 10-byte magic
 * number (`PROTO 2`, `LONG1 10`, the number little-endian).
 */
export function isLegacyCheckpoint(bytes: Uint8Array): boolean {
  if (bytes.length < 13 || bytes[0] !== 0x80 || bytes[2] !== 0x8a || bytes[3] !== 10) return false;
  let magic = 0n;
  for (let i = 13; i >= 4; i--) magic = (magic << 8n) | BigInt(bytes[i] ?? 0);
  return magic === LEGACY_MAGIC_NUMBER;
}

function readSysInfo(reader: ByteReader): void {
  const sysInfo = unpickle(reader);
  if (!(sysInfo instanceof PickleDict)) throw malformedValue('legacy system information is not a dict');
  if (sysInfo.get('little_endian') === false) {
    throw new CheckpointFormatError('big-endian', 'The checkpoint was written on a big-endian machine; it is not supported');
  }
}

/**
 * Reads a legacy (`_use_new_zipfile_serialization=False`, PyTorch < 1.6) file: the magic number, the
 * protocol version and the system information as three pickles, then the object pickle whose storages
 * are persistent ids, then the pickled list of storage keys, then each storage in that order as a
 * little-endian int64 element count followed by the raw elements.
 */
export function readLegacyCheckpoint(bytes: Uint8Array): PickleValue {
  const header = new ByteReader(bytes, 0, 'checkpoint header');
  if (unpickle(header) !== LEGACY_MAGIC_NUMBER) {
    throw new CheckpointFormatError('not-a-checkpoint', 'Not a legacy PyTorch checkpoint: the magic number is wrong');
  }
  const protocol = unpickle(header);
  if (protocol !== LEGACY_PROTOCOL_VERSION) throw malformedValue(`unsupported legacy protocol version ${String(protocol)}`);
  readSysInfo(header);

  const storages = new Map<string, StorageRef>();
  const objectReader = new ByteReader(bytes, header.position, 'checkpoint object pickle');
  const root = unpickle(objectReader, {
    resolveGlobal: resolveStateDictGlobal,
    persistentLoad: (id) => {
      const ref = storageRefFromPersistentId(id, 'legacy');
      const known = storages.get(ref.key);
      if (known !== undefined && (known.dtype !== ref.dtype || known.rootLength !== ref.rootLength)) {
        throw malformedValue(`storage ${ref.key} is declared twice with different types or sizes`);
      }
      storages.set(ref.key, ref);
      return ref;
    },
  });

  const keysReader = new ByteReader(bytes, objectReader.position, 'storage key list');
  const keys = unpickle(keysReader);
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw malformedValue('storage keys are not a list of strings');

  const data = new ByteReader(bytes, keysReader.position, 'storage data');
  const storageBytes = new Map<string, Uint8Array>();
  for (const key of keys as string[]) {
    const ref = storages.get(key);
    if (ref === undefined) throw malformedValue(`storage ${key} is listed but never used`);
    const length = data.u64();
    if (length !== ref.rootLength) throw malformedValue(`storage ${key} holds ${length} elements, the pickle says ${ref.rootLength}`);
    storageBytes.set(key, data.take(length * DTYPE_CODECS[ref.dtype].size));
  }
  return materializeTensors(root, storageBytes);
}
