// The contact sheet opened in Debian's Chromium (playwright-core): people seen more than once get a card,
// the single faces one compact grid; every face links to an existing (annotated) photo; captions keep their
// underscores and wrap instead of being cut; a screenshot shows photos, not an empty page.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EncodedFace } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { launchChromium } from '@pv/testkit/chromium';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clusterPhotos } from './cluster-photos.js';
import type { FaceFileSource } from './face-files.js';
import { createProgress } from './progress.js';

const sharedData = path.resolve(fileURLToPath(new URL('../../../../shared/data/', import.meta.url)));
const outputDir = path.resolve(fileURLToPath(new URL('../test-output/', import.meta.url)));
const lfw = (name: string, n: number): string => path.join(sharedData, 'lfw-fold1', 'images', name, `${name}_${String(n).padStart(4, '0')}.jpg`);

let dir: string;
let browser: Browser;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-sheet-'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A unit vector along axis `i` of 8, nudged by `e` along the next axis: same `i`, same person. */
function vector(i: number, e = 0): Float32Array {
  const v = new Float32Array(8);
  v[i] = 1;
  v[(i + 1) % 8] = e;
  return v;
}

test('the contact sheet shows a card per person, a grid of single faces, working links and whole captions', async () => {
  // LFW photos (250 px, the face near the middle) with "embeddings" chosen so the clusters are known:
  // Abel twice and Akhmed twice, five people once, one of them under a very long name.
  const longName = path.join(dir, 'in', 'An_Extremely_Long_Photo_Name_With_Many_Underscores_From_A_Camera_Roll_0001.jpg');
  await mkdir(path.dirname(longName), { recursive: true });
  await symlink(lfw('Afton_Smith', 1), longName);
  const photos: [string, Float32Array][] = [
    [lfw('Abel_Pacheco', 1), vector(0)],
    [lfw('Abel_Pacheco', 2), vector(0, 0.1)],
    [lfw('Akhmed_Zakayev', 1), vector(2)],
    [lfw('Akhmed_Zakayev', 2), vector(2, 0.1)],
    [lfw('Amber_Tamblyn', 1), vector(4)],
    [lfw('Ahmad_Jbarah', 1), vector(5)],
    [lfw('Alan_Dershowitz', 1), vector(6)],
    [lfw('Andy_Dick', 1), vector(7)],
    [longName, vector(1)],
  ];
  const faceOf = (embedding: Float32Array, box = { x: 75, y: 70, width: 100, height: 115 }): EncodedFace =>
    ({ embedding, detection: { box, score: 0.99, landmarks: [] } }) as unknown as EncodedFace;
  const source: FaceFileSource = {
    modelId: 'test-vectors',
    async embedFiles(files, onResult) {
      for (const file of files) {
        const embedding = photos.find(([f]) => f === file)?.[1] as Float32Array;
        // Every photo also holds a tiny "face" that --min-face-size drops.
        onResult({ file, ok: true, faces: [faceOf(embedding), faceOf(vector(3), { x: 2, y: 2, width: 10, height: 10 })] });
      }
    },
    close: async () => {},
  };
  const out = path.join(dir, 'sheet');
  const clustering = await clusterPhotos({
    files: photos.map(([f]) => f),
    source,
    metric: cosine,
    threshold: 0.3,
    outDir: out,
    title: 'Contact sheet test',
    progress: createProgress(false, () => {}),
    onFailure: () => {},
    signal: new AbortController().signal,
    filter: { minFaceSize: 20 },
    annotateDir: path.join(out, 'photos'),
  });
  expect(clustering.dropped).toEqual({ tooSmall: photos.length, lowScore: 0 });
  expect(clustering.clusters.map((c) => c.faces.length)).toEqual([2, 2, 1, 1, 1, 1, 1]);

  const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
  try {
    await page.goto(`file://${clustering.files.html}`);
    expect(await page.locator('section.cluster').count()).toBe(2);
    expect(await page.locator('section.cluster figure').count()).toBe(4);
    expect(await page.locator('.summary').innerText()).toContain(`dropped ${photos.length} faces: ${photos.length} under 20 px`);
    // The single faces: one section, laid out as a grid of several columns, each cell a small thumbnail.
    const singles = page.locator('section.singles figure');
    expect(await singles.count()).toBe(5);
    const boxes = await singles.evaluateAll((figures) =>
      figures.map((f) => {
        const r = (f as unknown as { getBoundingClientRect(): { x: number; y: number; width: number } }).getBoundingClientRect();
        return { x: Math.round(r.x), y: Math.round(r.y), width: r.width };
      }),
    );
    expect(new Set(boxes.map((b) => b.y)).size, JSON.stringify(boxes)).toBeLessThan(boxes.length); // several per row
    expect(new Set(boxes.slice(0, 4).map((b) => b.x)).size).toBe(4);
    expect(Math.max(...boxes.map((b) => b.width))).toBeLessThan(200); // compact cells, not full-width cards
    const images = await page.locator('figure img').evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(images).toHaveLength(9);
    expect(images.every((w) => w === 96)).toBe(true);
    // Every face links to its annotated photo, and the file is there.
    const links = await page.locator('figure a').evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    expect(links).toHaveLength(9);
    for (const link of links) {
      expect(link.startsWith('file://')).toBe(true);
      const file = fileURLToPath(link);
      expect(path.dirname(file)).toBe(path.join(out, 'photos'));
      expect(existsSync(file), file).toBe(true);
    }
    // Captions: the file names as they are, underscores and all, wrapped inside the cell rather than cut.
    const captions = await page.locator('figcaption').allInnerTexts();
    expect(captions.map((c) => c.replace(/\s+/gu, ''))).toEqual(expect.arrayContaining(['Abel_Pacheco_0001.jpg', path.basename(longName)]));
    const long = page.locator('figcaption', { hasText: 'Camera_Roll' });
    const fits = await long.evaluate((el) => {
      const e = el as unknown as { scrollWidth: number; clientWidth: number; clientHeight: number };
      return { overflow: e.scrollWidth - e.clientWidth, height: e.clientHeight };
    });
    expect(fits.overflow).toBeLessThanOrEqual(0);
    expect(fits.height).toBeGreaterThan(20); // wrapped over several lines
    const png = await page.screenshot({ fullPage: true });
    await mkdir(outputDir, { recursive: true });
    await writeFile(path.join(outputDir, 'contact-sheet.png'), png);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.width).toBe(900);
    expect(info.height).toBeGreaterThanOrEqual(300);
    // Photos, not a flat page: many distinct colours, and the first card's border in the first cluster colour.
    expect(new Set(Array.from(data, (v) => v >> 3)).size).toBeGreaterThan(20);
    const [r, g, b] = clusterRgb(clustering.clusters[0]?.colour as string);
    let border = 0;
    for (let i = 0; i < data.length; i += info.channels) if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 30) border++;
    expect(border).toBeGreaterThan(100);
  } finally {
    await page.close();
  }
}, 120_000);

function clusterRgb(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
