// End to end: `pv analyze` and `pv calibrate` with the built `pv` on CelebA photos.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, tempDir } from './pv-process.fixture.js';

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('analyze-calibrate');
  const people: Record<string, string[]> = {};
  for (const person of ['7206', '7213', '7235']) people[person] = (await celebaPhotos(person)).slice(0, 4);
  await linkPhotos(path.join(work, 'people'), people);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv analyze and pv calibrate', { timeout: E2E_TIMEOUT_MS }, () => {
  it('analyses every face of a folder with a strict review and writes annotated photos', async () => {
    const run = await runPv(['analyze', 'people/7235', '--analyses', 'liveness,pose,age', '--review', 'strict', '--annotate', 'annotated', '--json'], work);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { faces: { file: string; analysis: Record<string, unknown>; review: { mode: string; accepted: boolean; reasons: { code: string; measured: number; limit: number }[] } }[] };
    expect(json.faces.length).toBeGreaterThanOrEqual(4);
    for (const face of json.faces) {
      // the asked-for analyses plus those the strict review needs
      expect(Object.keys(face.analysis).sort()).toEqual(['age', 'eyes', 'liveness', 'pose', 'quality']);
      expect(face.review.mode).toBe('strict');
      expect(face.review.accepted).toBe(face.review.reasons.length === 0);
    }
    for (const file of new Set(json.faces.map((f) => f.file))) expect(existsSync(path.join(work, 'annotated', `${path.parse(file).name}.jpg`))).toBe(true);
    const human = await runPv(['analyze', 'people/7235', '--analyses', 'age'], work);
    expect(human.stdout).toMatch(/#1 {2}age \d+/);
  });

  it('calibrates thresholds on labelled folders, saves the chosen one and writes the report', async () => {
    const config = path.join(work, 'config');
    const run = await runPv(['calibrate', 'people', '--far', '1e-2', '--report', 'calibration.html', '--json'], work, { PV_CONFIG_DIR: config });
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { model: string; metric: string; identities: number; thresholds: { far: number; threshold: number | null }[]; saved: { threshold: number; far: number } };
    expect(json).toMatchObject({ model: 'mobilefacenet', metric: 'cosine', identities: 3 });
    expect(json.thresholds.map((t) => t.far)).toEqual([0.01, 0.001, 0.0001]);
    const saved = JSON.parse(await readFile(path.join(config, 'calibration.json'), 'utf8')) as { models: Record<string, Record<string, { threshold: number; far: number }>> };
    expect(saved.models.mobilefacenet!.cosine).toMatchObject({ far: 0.01, threshold: json.thresholds[0]!.threshold });
    expect(await readFile(path.join(work, 'calibration.html'), 'utf8')).toContain('aria-label="ROC curve"');
    const refused = await runPv(['calibrate', 'people', '--far', '0.5'], work, { PV_CONFIG_DIR: config });
    expect(refused.code).toBe(2);
  });
});
