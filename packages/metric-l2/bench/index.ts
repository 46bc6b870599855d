import type { BenchModule } from '../../../scripts/bench-types.js';
import { medianNs } from '../../../scripts/bench-timing.js';
import { l2 } from '../src/index.js';

/** Deterministic pseudo-random values in [-1, 1). */
function fill(values: Float32Array, seed: number): Float32Array {
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

const bench: BenchModule = {
  title: 'Metric: L2 distance, one query against many vectors',
  order: 20,
  async run(ctx) {
    const n = ctx.quick ? 10_000 : 100_000;
    const d = 512;
    const runs = ctx.quick ? 3 : 9;
    ctx.log(`${n} vectors of ${d} dimensions, median of ${runs} runs`);
    const query = fill(new Float32Array(d), 1);
    const flat = fill(new Float32Array(n * d), 2);
    const rows = Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
    const out = new Float32Array(n);
    let perRow: number[] = [];
    let idiomatic: number[] = [];

    const cases: [string, () => void][] = [
      ['`l2.distances(query, flat, out)` (one-vs-many into a buffer)', () => l2.distances(query, flat, out)],
      [
        '`l2.distance(query, row)` in a loop over an array of rows',
        () => {
          perRow = new Array<number>(n);
          for (let i = 0; i < n; i++) perRow[i] = l2.distance(query, rows[i] as Float32Array);
        },
      ],
      [
        'idiomatic JS: `rows.map(r => Math.sqrt(r.reduce(…)))`',
        () => {
          idiomatic = rows.map((r) => Math.sqrt(r.reduce((s, x, i) => s + (x - (query[i] as number)) ** 2, 0)));
        },
      ],
    ];
    const results = cases.map(([name, work]) => {
      const ns = medianNs(runs, work) / n;
      ctx.log(`${name}: ${ns.toFixed(1)} ns/vector`);
      return { name, ns };
    });
    let worst = 0;
    for (let i = 0; i < n; i++) {
      worst = Math.max(worst, Math.abs((out[i] as number) - (idiomatic[i] as number)), Math.abs((perRow[i] as number) - (idiomatic[i] as number)));
    }
    const baseline = results[results.length - 1]?.ns ?? Number.NaN;
    const table = results.map((r) => `| ${r.name} | ${r.ns.toFixed(1)} | ${(baseline / r.ns).toFixed(2)}× |`);
    return [
      `One 512-d query against ${n.toLocaleString('en-US')} vectors; median of ${runs} timed runs after a warm-up.`,
      '',
      '| implementation | ns per vector | speed vs idiomatic |',
      '| --- | ---: | ---: |',
      ...table,
      '',
      `All three agree within ${worst.toExponential(1)} (float32 output).`,
    ].join('\n');
  },
};

export default bench;
