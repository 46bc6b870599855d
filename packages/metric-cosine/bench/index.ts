import type { BenchModule } from '../../../scripts/bench-types.js';
import { medianNs } from '../../../scripts/bench-timing.js';
import { cosine, createCosineMetric } from '../src/index.js';

/** Deterministic pseudo-random unit rows of length `d` (like embeddings). */
function unitRows(values: Float32Array, d: number, seed: number): Float32Array {
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  for (let row = 0; row < values.length; row += d) {
    const v = values.subarray(row, row + d);
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) v[i] = (v[i] as number) / norm;
  }
  return values;
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);

const bench: BenchModule = {
  title: 'Metric: cosine distance, one query against many vectors',
  order: 21,
  async run(ctx) {
    const n = ctx.quick ? 10_000 : 100_000;
    const d = 512;
    const runs = ctx.quick ? 3 : 9;
    ctx.log(`${n} unit vectors of ${d} dimensions, median of ${runs} runs`);
    const query = unitRows(new Float32Array(d), d, 1);
    const flat = unitRows(new Float32Array(n * d), d, 2);
    const rows = Array.from({ length: n }, (_, i) => flat.slice(i * d, (i + 1) * d));
    const unitCosine = createCosineMetric({ normalized: true });
    const outputs = { full: new Float32Array(n), unit: new Float32Array(n) };
    let perRow: number[] = [];
    let idiomatic: number[] = [];

    const cases: [string, () => void][] = [
      ['`cosine.distances(query, flat, out)`', () => cosine.distances(query, flat, outputs.full)],
      ['`createCosineMetric({ normalized: true }).distances(…)` (unit vectors: 1 − a·b)', () => unitCosine.distances(query, flat, outputs.unit)],
      [
        '`cosine.distance(query, row)` in a loop over an array of rows',
        () => {
          perRow = new Array<number>(n);
          for (let i = 0; i < n; i++) perRow[i] = cosine.distance(query, rows[i] as Float32Array);
        },
      ],
      [
        'idiomatic JS: `rows.map(r => 1 - dot(q, r) / (qNorm * norm(r)))` with `reduce`',
        () => {
          const queryNorm = Math.sqrt(dot(query, query));
          idiomatic = rows.map((r) => 1 - dot(query, r) / (queryNorm * Math.sqrt(dot(r, r))));
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
      const expected = idiomatic[i] as number;
      for (const value of [outputs.full[i], outputs.unit[i], perRow[i]] as number[]) worst = Math.max(worst, Math.abs(value - expected));
    }
    const baseline = results[results.length - 1]?.ns ?? Number.NaN;
    return [
      `One 512-d unit query against ${n.toLocaleString('en-US')} unit vectors; median of ${runs} timed runs after a warm-up.`,
      '',
      '| implementation | ns per vector | speed vs idiomatic |',
      '| --- | ---: | ---: |',
      ...results.map((r) => `| ${r.name} | ${r.ns.toFixed(1)} | ${(baseline / r.ns).toFixed(2)}× |`),
      '',
      `All agree within ${worst.toExponential(1)} (float32 output).`,
    ].join('\n');
  },
};

export default bench;
