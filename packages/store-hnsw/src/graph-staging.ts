import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Where an encrypted HNSW store stages its graph in plain form: hnswlib reads and writes graphs only
 * through file paths, so the graph is decrypted into (or written to) a private directory on a memory file
 * system (`/dev/shm` on Linux), handed to hnswlib, and removed at once. The plaintext graph never reaches
 * the disk. Where there is no such file system this is `null`, and an encrypted store writes no index file
 * (the graph is rebuilt from the database on open).
 */
export function stagingRoot(): string | null {
  const root = process.env.PV_HNSW_STAGING_DIR ?? '/dev/shm';
  try {
    return existsSync(root) && statSync(root).isDirectory() ? root : null;
  } catch {
    return null;
  }
}

/**
 * Runs `fn` with the path of a file in a new owner-only (0700) directory under {@link stagingRoot}, and
 * removes the directory afterwards, whatever happens. `null` when there is no staging file system.
 */
export function withStagingFile<T>(fn: (file: string) => T): T | null {
  const root = stagingRoot();
  if (root === null) return null;
  const dir = mkdtempSync(path.join(root, 'pv-hnsw-'));
  try {
    return fn(path.join(dir, 'graph.hnsw'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
