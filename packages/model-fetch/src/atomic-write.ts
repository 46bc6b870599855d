import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes `data` to `file` through a temporary file beside it (`<file>.<pid>-<random>.part`) renamed into
 * place, so readers see the old file or the whole new one, never half of it; creates the folder first.
 * The temporary file is removed whether or not the write succeeds. Concurrent writers each write their
 * own temporary file: the last rename wins.
 *
 * @example
 * ```ts
 * await writeFileAtomically(join(modelsCacheDir(), 'facenet', 'facenet.onnx'), onnxBytes);
 * ```
 */
export async function writeFileAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.part`;
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(temp, data);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
