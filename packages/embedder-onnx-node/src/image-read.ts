import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { BadImageError, NotFoundError } from '@pv/core';

/**
 * Reads the image file `file`, refusing before reading a byte anything that is not a regular file (a FIFO
 * would hang, `/dev/zero` never ends; links are followed to their target) and any file over `maxBytes`,
 * both with `E_BAD_IMAGE` (details `reason`: `not-a-regular-file` or `too-large`). A missing file is
 * `E_NOT_FOUND`; any other failure to read is `E_BAD_IMAGE` naming the file.
 */
export async function readImageFile(file: string, maxBytes: number): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO that nobody writes to returns at once instead of waiting for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`Image file not found: ${file}`, { file });
    throw new BadImageError(`Cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new BadImageError(`Cannot read ${file}: not a regular file (only regular image files are read)`, { file, reason: 'not-a-regular-file' });
    }
    if (info.size > maxBytes) {
      throw new BadImageError(`Cannot read ${file}: ${info.size} bytes is over the ${maxBytes}-byte limit (maxFileBytes)`, {
        file,
        reason: 'too-large',
        bytes: info.size,
        maxBytes,
      });
    }
    const bytes = new Uint8Array(info.size);
    let done = 0;
    while (done < bytes.length) {
      const { bytesRead } = await handle.read(bytes, done, bytes.length - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === bytes.length ? bytes : bytes.subarray(0, done);
  } catch (error) {
    if (error instanceof BadImageError) throw error;
    throw new BadImageError(`Cannot read ${file}: ${(error as Error).message}`, { file }, { cause: error });
  } finally {
    await handle.close();
  }
}
