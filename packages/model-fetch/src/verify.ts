import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/** The result of checking a file against an expected SHA-256 and size. */
export type FileCheck = 'ok' | 'missing' | 'mismatch';

/**
 * Checks that `file` exists, has `size` bytes and the SHA-256 `sha256` (lowercase hex). The size is checked
 * first, so a truncated file is rejected without hashing. Hashing runs at roughly 700 MB/s (about 9 ms for the
 * three built-in models, measured by `bench/index.ts`), so results are not cached in stamp files.
 */
export async function checkFile(file: string, expected: { readonly sha256: string; readonly size: number }): Promise<FileCheck> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (info === undefined) return 'missing';
  if (!info.isFile() || info.size !== expected.size) return 'mismatch';
  return (await sha256OfFile(file)) === expected.sha256 ? 'ok' : 'mismatch';
}

/** SHA-256 of a file's content, lowercase hex. */
export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
