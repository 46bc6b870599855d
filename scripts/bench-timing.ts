// Timing helpers shared by the packages' bench/index.ts files (benchmarks only; never shipped).

/** The median (lower middle for an even count) of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** Median wall time of `runs` calls of synchronous `work` (after one warm-up call), in nanoseconds. */
export function medianNs(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - started));
  }
  return median(times);
}

/** Median wall time of `runs` calls of `work` (after one warm-up call), in milliseconds. */
export async function medianMs(runs: number, work: () => unknown): Promise<number> {
  await work();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}
