// End to end: pv cluster on a mixed folder of CelebA people, and pv eval lfw on a 100-pair LFW subset.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, sharedData, tempDir } from './pv-process.fixture.js';

const PEOPLE = ['7241', '7245', '7246', '7251'];
const PHOTOS_PER_PERSON = 6;

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('cluster-eval');
  const photos: Record<string, string[]> = {};
  for (const person of PEOPLE) photos[person] = (await celebaPhotos(person)).slice(0, PHOTOS_PER_PERSON);
  await linkPhotos(path.join(work, 'mixed'), photos);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface ClusterJson {
  readonly photos: number;
  readonly faces: number;
  readonly clusters: readonly { name: string; faces: readonly { file: string }[] }[];
  readonly quality: { purity: number; inversePurity: number; clusters: number; labels: number };
  readonly failures: readonly unknown[];
  readonly files: { json: string; html: string };
}

describe('pv cluster', { timeout: E2E_TIMEOUT_MS }, () => {
  it('groups a mixed folder by person, reports purity and the number of clusters, and writes JSON and a contact sheet', async () => {
    const { run, json } = await runPvJson<ClusterJson>(['cluster', 'mixed', '--out', 'groups', '--labels-from-subfolders'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json.photos).toBe(24);
    expect(json.faces).toBeGreaterThanOrEqual(24);
    console.info(
      `pv cluster: ${json.faces} faces of ${PEOPLE.length} people → ${json.quality.clusters} clusters, ` +
        `purity ${json.quality.purity.toFixed(3)}, inverse purity ${json.quality.inversePurity.toFixed(3)}`,
    );
    expect(json.quality.labels).toBe(PEOPLE.length);
    expect(json.quality.purity).toBeGreaterThanOrEqual(0.9);
    expect(json.quality.inversePurity).toBeGreaterThanOrEqual(0.75);
    expect(json.quality.clusters).toBe(json.clusters.length);
    expect(json.clusters.length).toBeGreaterThanOrEqual(PEOPLE.length);
    expect(json.clusters.length).toBeLessThanOrEqual(PEOPLE.length + 4);
    // Largest first, every face exactly once.
    const sizes = json.clusters.map((c) => c.faces.length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(json.faces);

    expect(JSON.parse(await readFile(path.join(work, 'groups', 'clusters.json'), 'utf8'))).toMatchObject({ faces: json.faces });
    const html = await readFile(path.join(work, 'groups', 'contact-sheet.html'), 'utf8');
    // A card per cluster with several faces; the single faces share one grid.
    const several = json.clusters.filter((c) => c.faces.length > 1).length;
    expect(html.match(/<section class="cluster"/gu) ?? []).toHaveLength(several);
    expect(html.match(/<section class="singles">/gu) ?? []).toHaveLength(several < json.clusters.length ? 1 : 0);
    expect(html.match(/<img src="data:image\/jpeg;base64,/gu)).toHaveLength(json.faces);
  });

  it('tells people how many clusters it found and where the contact sheet is', async () => {
    const run = await runPv(['cluster', 'mixed', '--out', 'groups-human'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ faces in 24 photos → \d+ clusters \(\d+ with several faces, \d+ single\) at threshold 0\.\d{4} cosine\.$/mu);
    expect(run.stdout).toContain(`Open file://${path.join(work, 'groups-human', 'contact-sheet.html')} in a browser.`);
  });
});

describe('pv eval lfw', { timeout: E2E_TIMEOUT_MS }, () => {
  it('runs the 10-fold protocol on a 100-pair subset of LFW fold 1', async () => {
    const lfw = path.join(sharedData, 'lfw-fold1');
    const lines = (await readFile(path.join(lfw, 'pairs.txt'), 'utf8')).split('\n');
    // 50 same-person and 50 different-person pairs: the first of each half of the fold.
    await writeFile(path.join(work, 'pairs-100.txt'), ['1 50', ...lines.slice(1, 51), ...lines.slice(301, 351)].join('\n'));
    const { run, json } = await runPvJson<{
      model: string;
      report: {
        pairs: { total: number; same: number; different: number };
        images: { total: number; detected: number };
        crossValidation: { accuracyMean: number; folds: readonly unknown[] };
        fixedThreshold: { threshold: number; accuracy: number };
        auc: number;
      };
    }>(['eval', 'lfw', '--root', lfw, '--pairs', 'pairs-100.txt'], work);
    expect(run.code, run.stderr).toBe(0);
    const { report } = json;
    console.info(
      `pv eval lfw (100 pairs): 10-fold accuracy ${(report.crossValidation.accuracyMean * 100).toFixed(2)}%, AUC ${report.auc.toFixed(4)}`,
    );
    expect(json.model).toBe('mobilefacenet');
    expect(report.pairs).toEqual({ total: 100, same: 50, different: 50 });
    expect(report.images.total).toBe(162);
    expect(report.crossValidation.folds).toHaveLength(10);
    expect(report.fixedThreshold.threshold).toBe(0.72);
    expect(report.crossValidation.accuracyMean).toBeGreaterThanOrEqual(0.9);
    expect(report.auc).toBeGreaterThanOrEqual(0.95);
  });

  it('prints the report as text', async () => {
    const lfw = path.join(sharedData, 'lfw-fold1');
    const run = await runPv(['eval', 'lfw', '--root', lfw, '--pairs', 'pairs-100.txt', '--folds', '5'], work);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^5-fold accuracy +\d+\.\d\d% ± \d+\.\d\d%$/mu);
    expect(run.stdout).toMatch(/^ROC AUC +0\.\d{4}$/mu);
    expect(run.stdout).toMatch(/^fixed threshold 0\.7200 \(mobilefacenet's, calibrated on lfw-fold1\) +\d+\.\d\d% \(TAR /mu);
  });

  it('reads the LFW download as distributed (lfw/<Name>/<Name>_0001.jpg beside pairs.txt, no images/)', async () => {
    const lfw = path.join(sharedData, 'lfw-fold1');
    const lines = (await readFile(path.join(lfw, 'pairs.txt'), 'utf8')).split('\n');
    const chosen = [...lines.slice(1, 5), ...lines.slice(301, 305)];
    const root = path.join(work, 'lfw-as-distributed');
    for (const line of chosen) {
      const f = line.trim().split(/\s+/u);
      const refs = f.length === 3 ? [[f[0], f[1]], [f[0], f[2]]] : [[f[0], f[1]], [f[2], f[3]]];
      for (const [name, n] of refs as [string, string][]) {
        const file = `${name}_${n.padStart(4, '0')}.jpg`;
        await mkdir(path.join(root, 'lfw', name), { recursive: true });
        await symlink(path.join(lfw, 'images', name, file), path.join(root, 'lfw', name, file)).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'EEXIST') throw e;
        });
      }
    }
    await writeFile(path.join(root, 'pairs.txt'), ['1 4', ...chosen].join('\n'));
    const { run, json } = await runPvJson<{ report: { pairs: { total: number }; fixedThreshold: { source: string } } }>(
      ['eval', 'lfw', '--root', root, '--folds', '2'],
      work,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(json.report.pairs.total).toBe(8);
    expect(json.report.fixedThreshold.source).toBe("mobilefacenet's, calibrated on lfw-fold1");
  });

  it('names a missing pairs file (exit 2)', async () => {
    const run = await runPv(['eval', 'lfw', '--root', work], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/E_NOT_FOUND .*pairs\.txt/u);
  });
});
