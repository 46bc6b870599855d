// Helpers shared by this package's tests (not part of the published package).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NewRecord } from '@pv/core';

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

/** A running `writer-child.fixture.ts` with its stdout split into lines. */
export interface ChildWriter {
  readonly process: ChildProcessWithoutNullStreams;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first line for which `match` is true (rejects if the child exits first). */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Resolves when the child has exited, with its exit code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `writer-child.fixture.ts` in a separate Node process (TypeScript sources through tsx). */
export function startChildWriter(args: readonly string[]): ChildWriter {
  const child = spawn(process.execPath, ['--conditions=pv-source', '--import', 'tsx', path.join(packageDir, 'src/writer-child.fixture.ts'), ...args], {
    cwd: packageDir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (!waiter.match(line)) continue;
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`child exited (${code ?? signal}) before the expected line; stderr:\n${stderr}`));
      }
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    lines,
    exited,
    waitForLine(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.reject(new Error(`child already exited; stderr:\n${stderr}`));
      }
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}
