// The HTML report opened in Debian's Chromium (playwright-core): a screenshot shows the ROC curve, both
// histograms with the threshold, and the thumbnails of the worst errors.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledEmbedding, Metric } from '@pv/core';
import { calibrate } from '@pv/eval';
import { launchChromium } from '@pv/testkit/chromium';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { writeHtmlReport } from './html-report-file.js';

const sharedData = path.resolve(fileURLToPath(new URL('../../../../shared/data/', import.meta.url)));
const outputDir = path.resolve(fileURLToPath(new URL('../test-output/', import.meta.url)));
const lfw = (name: string, n: number): string => path.join(sharedData, 'lfw-fold1', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-report-'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A pixel count of colours near `rgb` in a decoded screenshot. */
function countNear(data: Buffer, channels: number, rgb: readonly [number, number, number], tolerance = 40): number {
  let n = 0;
  for (let i = 0; i < data.length; i += channels) {
    if (Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) <= tolerance) n++;
  }
  return n;
}

test('the calibration report renders its ROC curve, histograms and error thumbnails in Chromium', async () => {
  // Three people with two photos each, on a 1-d "embedding" so the scores are known; people b and c sit
  // close together, so some cross-identity pairs fall inside the threshold (false accepts).
  const line: Metric = { id: 'line', closer: 'lower', distance: (a, b) => Math.abs(a[0]! - b[0]!), distances: () => undefined };
  const photo = (file: string, label: string, x: number): LabelledEmbedding => ({ label, embedding: Float32Array.of(x), file });
  const samples = [
    photo(lfw('Abel_Pacheco', 1), 'abel', 0),
    photo(lfw('Abel_Pacheco', 4), 'abel', 0.9),
    photo(lfw('Akhmed_Zakayev', 1), 'akhmed', 3),
    photo(lfw('Akhmed_Zakayev', 3), 'akhmed', 3.2),
    photo(lfw('Amber_Tamblyn', 1), 'amber', 3.5),
    photo(lfw('Amber_Tamblyn', 2), 'amber', 3.6),
  ];
  const c = calibrate(samples, line, [0.1]);
  const report = path.join(dir, 'report.html');
  await writeHtmlReport(report, {
    title: 'Calibration report test',
    facts: [['photos', '6']],
    metric: line,
    threshold: 0.6,
    curve: c.curve,
    pairs: c.pairs.map((p) => ({ score: p.score, same: p.same, a: samples[p.a]!.file!, b: samples[p.b]!.file! })),
    farThresholds: c.thresholds,
  });
  const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  try {
    await page.goto(`file://${report}`);
    expect(await page.locator('svg[aria-label="ROC curve"] path').count()).toBe(1);
    expect(await page.locator('svg[aria-label="score histograms"] rect').count()).toBeGreaterThan(3);
    const widths = await page.locator('.pair img').evaluateAll((images) => images.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths.length).toBeGreaterThanOrEqual(4);
    expect(widths.every((w) => w === 96)).toBe(true);
    const png = await page.screenshot({ fullPage: true });
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'calibration-report.png'), png);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(countNear(data, info.channels, [0x1f, 0x5f, 0xbf])).toBeGreaterThan(200); // the ROC curve's blue
    expect(countNear(data, info.channels, [0, 0, 0], 10)).toBeGreaterThan(200); // text and the threshold line
    // thumbnails are photos: many distinct gray levels, not a flat page
    expect(new Set(Array.from(data.subarray(0, data.length), (v) => v >> 3)).size).toBeGreaterThan(20);
  } finally {
    await page.close();
  }
}, 120_000);
