import { strFromU8, unzipSync } from 'fflate';
import { ByteReader } from '../byte-reader.js';
import { CheckpointFormatError } from '../errors.js';
import { unpickle } from '../pickle/unpickler.js';
import type { PickleValue } from '../pickle/values.js';
import { resolveStateDictGlobal } from '../torch/globals.js';
import { materializeTensors } from '../torch/materialize.js';
import { storageRefFromPersistentId } from '../torch/storage.js';

const LOCAL_FILE_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const END_OF_CENTRAL_DIRECTORY = [0x50, 0x4b, 0x05, 0x06];
/** The end-of-central-directory record is 22 bytes plus a comment of at most 65535. */
const MAX_EOCD_DISTANCE = 22 + 0xffff;

function hasSignatureAt(bytes: Uint8Array, offset: number, signature: readonly number[]): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

/** True when `bytes` starts with a zip local file header (`PK\x03\x04`). */
export function isZipCheckpoint(bytes: Uint8Array): boolean {
  return hasSignatureAt(bytes, 0, LOCAL_FILE_SIGNATURE);
}

function hasEndOfCentralDirectory(bytes: Uint8Array): boolean {
  const stop = Math.max(0, bytes.length - MAX_EOCD_DISTANCE);
  for (let offset = bytes.length - 22; offset >= stop; offset--) {
    if (hasSignatureAt(bytes, offset, END_OF_CENTRAL_DIRECTORY)) return true;
  }
  return false;
}

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  if (!hasEndOfCentralDirectory(bytes)) {
    throw new CheckpointFormatError('truncated', 'The zip checkpoint is truncated: its central directory is missing', {
      length: bytes.length,
    });
  }
  try {
    return unzipSync(bytes);
  } catch (cause) {
    throw new CheckpointFormatError('malformed', `The zip checkpoint cannot be read: ${String(cause)}`);
  }
}

/**
 * Reads a zip `torch.save` file (PyTorch >= 1.6): `<archive>/data.pkl` is the object pickle whose
 * storages are persistent ids `('storage', type, key, location, length)`, each storage's raw
 * little-endian bytes are `<archive>/data/<key>`, and `<archive>/byteorder` (when present) says
 * `little` or `big`. The archive folder name varies with the saved file's name.
 */
export function readZipCheckpoint(bytes: Uint8Array): PickleValue {
  const entries = unzip(bytes);
  const pickles = Object.keys(entries).filter((name) => /^[^/]+\/data\.pkl$/u.test(name));
  if (pickles.length !== 1) {
    throw new CheckpointFormatError('not-a-checkpoint', 'The zip archive has no single <archive>/data.pkl: not a PyTorch checkpoint', {
      entries: Object.keys(entries).slice(0, 20),
    });
  }
  const prefix = (pickles[0] as string).slice(0, -'data.pkl'.length);
  const byteOrder = entries[`${prefix}byteorder`];
  if (byteOrder !== undefined && strFromU8(byteOrder).trim() !== 'little') {
    throw new CheckpointFormatError('big-endian', 'The checkpoint was written big-endian; it is not supported');
  }
  const storageBytes = new Map<string, Uint8Array>();
  const root = unpickle(new ByteReader(entries[`${prefix}data.pkl`] as Uint8Array, 0, 'data.pkl'), {
    resolveGlobal: resolveStateDictGlobal,
    persistentLoad: (id) => {
      const ref = storageRefFromPersistentId(id, 'zip');
      const data = entries[`${prefix}data/${ref.key}`];
      if (data === undefined) {
        throw new CheckpointFormatError('truncated', `The zip checkpoint lacks the storage entry data/${ref.key}`, { storage: ref.key });
      }
      storageBytes.set(ref.key, data);
      return ref;
    },
  });
  return materializeTensors(root, storageBytes);
}
