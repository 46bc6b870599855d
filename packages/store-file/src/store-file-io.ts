import { randomUUID } from 'node:crypto';
import { open, readdir, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { fromLittleEndianInPlace } from './byte-order.js';
import { checkDigest, corruptFile, decodeTail, encodeStore, HEADER_SIZE, parseHeader, type StoreContents } from './format.js';

/** What {@link readStoreFile} found: the contents and the file's permission bits. */
export interface StoreFileRead {
  readonly contents: StoreContents;
  readonly mode: number;
}

/** Largest single read or write; Linux transfers at most ~2 GiB per system call. */
const MAX_IO_CHUNK = 1 << 30;

/**
 * Reads and verifies a store file. Returns `null` when it does not exist; throws `E_STORE_CORRUPT`
 * (naming the file) when it is truncated, tampered with, not a store file or from a newer format.
 * The vectors are read straight into the Float32Array the store keeps.
 */
export async function readStoreFile(file: string): Promise<StoreFileRead | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const stat = await handle.stat();
    const headerBytes = new Uint8Array(Math.min(HEADER_SIZE, stat.size));
    await readFully(handle, headerBytes, 0, file);
    const header = parseHeader(headerBytes, file);
    if (header.bodyLength !== stat.size - HEADER_SIZE) {
      throw corruptFile(file, `the header announces ${HEADER_SIZE + header.bodyLength} bytes but the file has ${stat.size}`);
    }
    const vectorByteLength = header.count * header.dimension * 4;
    if (vectorByteLength + header.modelIdLength > header.bodyLength) {
      throw corruptFile(file, `${header.count} vectors of dimension ${header.dimension} do not fit in the body`);
    }
    const vectors = new Float32Array(header.count * header.dimension);
    const vectorBytes = new Uint8Array(vectors.buffer);
    await readFully(handle, vectorBytes, HEADER_SIZE, file);
    const tail = Buffer.allocUnsafe(header.bodyLength - vectorByteLength);
    await readFully(handle, tail, HEADER_SIZE + vectorByteLength, file);
    checkDigest(header, headerBytes, vectorBytes, tail, file);
    fromLittleEndianInPlace(vectors);
    const { modelId, rows } = decodeTail(tail, header, file);
    return { contents: { modelId, dimension: header.dimension, rows, vectors }, mode: stat.mode & 0o777 };
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` atomically with `contents`: writes a temporary file in the same directory, fsyncs it,
 * renames it over `file` and fsyncs the directory. `encode` turns the contents into the file's bytes
 * (the plain format by default; the encrypted one for an encrypted store). When the promise resolves the new version is
 * durable; if it rejects (or the process dies) `file` still holds the previous version.
 */
export async function writeStoreFileAtomically(
  file: string,
  contents: StoreContents,
  mode: number,
  encode: (contents: StoreContents) => Uint8Array[] = encodeStore,
): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    let position = 0;
    for (const chunk of encode(contents)) {
      await writeFully(handle, chunk, position);
      position += chunk.byteLength;
    }
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/**
 * Deletes temporary files left in `file`'s directory by writers of `file` that died mid-write.
 * Only call it while holding the writer lock (no live writer has a temporary file then).
 */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(path.basename(file))}\\.\\d+-[0-9a-f-]{36}\\.tmp$`);
  for (const name of await readdir(path.dirname(file))) {
    if (pattern.test(name)) await unlink(path.join(path.dirname(file), name)).catch(() => undefined);
  }
}

async function syncDirectory(directory: string): Promise<void> {
  // Windows cannot open a directory for fsync; the rename is all it offers there.
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readFully(handle: FileHandle, target: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const { bytesRead } = await handle.read(target, done, Math.min(MAX_IO_CHUNK, target.byteLength - done), position + done);
    if (bytesRead === 0) throw corruptFile(file, `the file shrank while it was read (at byte ${position + done})`);
    done += bytesRead;
  }
}

async function writeFully(handle: FileHandle, source: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < source.byteLength) {
    const { bytesWritten } = await handle.write(source, done, Math.min(MAX_IO_CHUNK, source.byteLength - done), position + done);
    done += bytesWritten;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
