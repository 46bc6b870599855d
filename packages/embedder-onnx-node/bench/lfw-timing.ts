import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** Median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median milliseconds of `work(item)` over `items`, after one warm-up call per item. */
export async function medianMs<T>(items: readonly T[], work: (item: T) => Promise<unknown> | unknown): Promise<number> {
  for (const item of items) await work(item);
  const times: number[] = [];
  for (const item of items) {
    const started = performance.now();
    await work(item);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** The first `count` LFW fold-1 photos of the shared data folder `sharedDir`, by person then file name. */
export async function lfwFiles(sharedDir: string, count: number): Promise<string[]> {
  const root = path.join(sharedDir, 'data', 'lfw-fold1', 'images');
  const files: string[] = [];
  for (const person of (await readdir(root)).sort()) {
    for (const name of (await readdir(path.join(root, person))).sort()) files.push(path.join(root, person, name));
    if (files.length >= count) break;
  }
  return files.slice(0, count);
}
