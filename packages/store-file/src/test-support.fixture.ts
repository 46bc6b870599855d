// Helpers shared by this package's tests (not part of the published package).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewRecord } from '@pv/core';
import { startTsChild, type TsChild } from '@pv/testkit/process';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The model id every test record carries. */
export const TEST_MODEL = 'test-model';

/** A fresh temporary directory and a function that removes it. */
export async function temporaryDirectory(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-store-file-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A vector whose values are a pure function of `seed` (so a parent can check what a child wrote). */
export function seededVector(seed: number, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  for (let j = 0; j < dimension; j++) v[j] = (((seed * 7919 + j * 104729) % 2001) - 1000) / 1000;
  return v;
}

/** Record `i` of batch `batch` as written by the child writer: id `b<batch>-<i>`, label `batch-<batch>`. */
export function batchRecord(batch: number, i: number, dimension: number): NewRecord {
  return {
    id: `b${batch}-${i}`,
    label: `batch-${batch}`,
    vector: seededVector(batch * 100_003 + i, dimension),
    modelId: TEST_MODEL,
    createdAt: 1_700_000_000_000 + batch,
  };
}

/** Temporary files a writer left beside `file`. */
export async function leftoverTempFiles(file: string): Promise<string[]> {
  const base = path.basename(file);
  return (await readdir(path.dirname(file))).filter((n) => n.startsWith(`.${base}.`) && n.endsWith('.tmp'));
}

/** Starts `writer-child.fixture.ts` with `args` in a separate Node process. */
export function startChildWriter(args: readonly string[]): TsChild {
  return startTsChild(path.join(packageDir, 'src/writer-child.fixture.ts'), args);
}
