// The same kernel in the browser: @pv/exact-scan bundled by esbuild (from its sources, as an app would)
// runs in Debian's Chromium on a gallery sent from Node, and its top k — through Int8Scan/searchWithScan
// and through ExactScanner with int8ScanAccelerator, with and without a label-like filter — equals what
// Node computes with the same code and what a full float scan gives.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExactScanner, selectTopK, type Metric } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { seededRandom } from '@pv/testkit';
import { launchChromium } from '@pv/testkit/chromium';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Int8Scan, int8ScanAccelerator, scanKindOf, searchWithScan, wasmSimdSupported } from './index.js';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What the page gets: the package and the metrics, as an esbuild IIFE on `window.pvScan`. */
const ENTRY = `
export * from './src/index.ts';
export { ExactScanner } from '@pv/core';
export { cosine, createCosineMetric } from '@pv/metric-cosine';
export { l2 } from '@pv/metric-l2';
`;

type Hits = { row: number; distance: number }[];
type PageResult = { simd: boolean; candidates: number[]; viaScan: Hits[]; viaScanner: Hits[]; filtered: Hits[] };
type Bundle = typeof import('./index.js') & { ExactScanner: typeof ExactScanner; cosine: Metric; createCosineMetric: typeof createCosineMetric; l2: Metric };

const ROWS = 3000;
const D = 128;
const K = 10;

/** Clustered unit rows (the normalized cosine metric assumes them) with duplicates, so that ties and near-ties occur. */
function gallery(): { vectors: Float32Array; queries: Float32Array[] } {
  const random = seededRandom(20261207);
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: D }, () => random() * 2 - 1));
  const vectors = new Float32Array(ROWS * D);
  for (let r = 0; r < ROWS; r++) {
    if (r % 97 === 5) {
      vectors.copyWithin(r * D, (r - 1) * D, r * D);
      continue;
    }
    const centre = centres[r % centres.length] as Float32Array;
    const row = vectors.subarray(r * D, (r + 1) * D);
    for (let j = 0; j < D; j++) row[j] = (centre[j] as number) + 0.3 * (random() * 2 - 1);
    const norm = Math.hypot(...row);
    for (let j = 0; j < D; j++) row[j] = (row[j] as number) / norm;
  }
  const outside = Float32Array.from({ length: D }, () => random() * 2 - 1);
  const norm = Math.hypot(...outside);
  const queries = [vectors.slice(0, D), vectors.slice(5 * D, 6 * D), outside.map((x) => x / norm)];
  return { vectors, queries };
}

/** Runs in the page (and in Node, on the same arguments): every metric, every query. */
function searchAll(pv: Bundle, vectorValues: number[], queryValues: number[][], k: number, d: number): PageResult {
  const vectors = Float32Array.from(vectorValues);
  const queries = queryValues.map((q) => Float32Array.from(q));
  const metrics = [pv.cosine, pv.createCosineMetric({ normalized: true }), pv.l2];
  const third = (row: number): boolean => row % 3 === 0;
  const result: PageResult = { simd: pv.wasmSimdSupported(), candidates: [], viaScan: [], viaScanner: [], filtered: [] };
  for (const metric of metrics) {
    const scan = new pv.Int8Scan(d, pv.scanKindOf(metric) as 'cosine');
    scan.append(vectors);
    const scanner = new pv.ExactScanner(pv.int8ScanAccelerator);
    for (const query of queries) {
      result.candidates.push(scan.candidates(query, k).length);
      result.viaScan.push(pv.searchWithScan(scan, metric, query, vectors, k));
      result.viaScanner.push(scanner.search(query, vectors, k, metric));
      result.filtered.push(scanner.search(query, vectors, k, metric, third));
    }
  }
  return result;
}

function fullScan(metric: Metric, query: Float32Array, vectors: Float32Array, k: number, accept?: (row: number) => boolean): Hits {
  const out = new Float32Array(vectors.length / query.length);
  metric.distances(query, vectors, out);
  return selectTopK(out, k, metric.closer, accept).map((row) => ({ row, distance: out[row] as number }));
}

describe('@pv/exact-scan in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const bundled = await build({
      stdin: { contents: ENTRY, resolveDir: packageDir, loader: 'ts', sourcefile: 'chromium-entry.ts' },
      bundle: true,
      write: false,
      format: 'iife',
      globalName: 'pvScan',
      platform: 'browser',
      target: 'es2022',
      conditions: ['pv-source'],
      logLevel: 'warning',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"><title>exact-scan</title></head><body></body></html>');
    await page.addScriptTag({ content: bundled.outputFiles[0]?.text ?? '' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('gives the top k Node gives, which is the full float scan', async () => {
    const { vectors, queries } = gallery();
    const args = { vectorValues: [...vectors], queryValues: queries.map((q) => [...q]), k: K, d: D };
    const inPage = await page.evaluate(
      ([source, a]) => {
        const run = new Function(`return (${source})`)() as typeof searchAll;
        return run((globalThis as unknown as { pvScan: Bundle }).pvScan, a.vectorValues, a.queryValues, a.k, a.d);
      },
      [searchAll.toString(), args] as const,
    );
    const node = searchAll({ Int8Scan, int8ScanAccelerator, scanKindOf, searchWithScan, wasmSimdSupported, ExactScanner, cosine, createCosineMetric, l2 } as Bundle, args.vectorValues, args.queryValues, K, D);
    expect(inPage.simd).toBe(true);
    expect(inPage).toEqual(node);
    // …and Node's answer is the full scan's.
    const metrics = [cosine, createCosineMetric({ normalized: true }), l2];
    metrics.forEach((metric, m) =>
      queries.forEach((query, q) => {
        expect(node.viaScan[m * queries.length + q]).toEqual(fullScan(metric, query, vectors, K));
        expect(node.filtered[m * queries.length + q]).toEqual(fullScan(metric, query, vectors, K, (row) => row % 3 === 0));
      }),
    );
    // Queries from the gallery (the first two of every metric) have a clear top k: the pre-scan keeps few rows.
    const stored = inPage.candidates.filter((_, i) => i % queries.length < 2);
    expect(Math.max(...stored)).toBeLessThan(ROWS / 2);
  }, 60_000);
});
