// End to end: pv identify on folders and several files (formats, --jobs, summary), a photo without a face
// exits 1 for identify, verify and compare alike, and pv verify on a photo with two faces.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

let work = '';
const heldOut: Record<string, string> = {};

interface BatchJson {
  readonly summary: { files: number; faces: number; known: number; unknown: number; noFace: number; failed: number };
  readonly faces: { file: string; face: number; prediction: string; distance: number | null }[];
  readonly failures: { file: string; code: string }[];
}

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('identify-batch');
  const ann = await celebaPhotos('7206');
  const bob = await celebaPhotos('7213');
  const stranger = await celebaPhotos('7220');
  await linkPhotos(path.join(work, 'people'), { ann: ann.slice(0, 3), bob: bob.slice(0, 3) });
  const batch = path.join(work, 'batch');
  await mkdir(path.join(batch, 'sub'), { recursive: true });
  heldOut.ann = path.join(batch, 'ann.jpg');
  heldOut.bob = path.join(batch, 'sub', 'bob.jpg');
  await symlink(ann[ann.length - 1] as string, heldOut.ann);
  await symlink(bob[bob.length - 1] as string, heldOut.bob);
  await symlink(stranger[0] as string, path.join(batch, 'stranger.jpg'));
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a8a9a' } }).jpeg().toFile(path.join(work, 'wall.jpg'));
  await writeFile(path.join(batch, 'broken.jpg'), 'not an image');
  // Two people side by side: bob (larger) and a stranger.
  const left = await sharp(bob[bob.length - 1] as string).resize(300, 360).toBuffer();
  const right = await sharp(stranger[0] as string).resize(240, 290).toBuffer();
  await sharp({ create: { width: 560, height: 360, channels: 3, background: '#808080' } })
    .composite([
      { input: left, left: 0, top: 0 },
      { input: right, left: 310, top: 30 },
    ])
    .jpeg()
    .toFile(path.join(work, 'two.jpg'));
  expect((await runPv(['enroll', 'people'], work)).code).toBe(0);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv identify on several photos', { timeout: E2E_TIMEOUT_MS }, () => {
  it('identifies every face of a folder and a file with --jobs 2, reports the broken file and sums up (exit 1: a file failed)', async () => {
    const { run, json } = await runPvJson<BatchJson>(['identify', 'batch', 'wall.jpg', '--jobs', '2'], work);
    expect(run.code, run.stderr).toBe(1);
    expect(json.summary).toEqual({ files: 5, faces: 3, known: 2, unknown: 1, rejected: 0, noFace: 1, failed: 1, interrupted: false });
    const byFile = Object.fromEntries(json.faces.map((f) => [path.basename(f.file), f.prediction]));
    expect(byFile).toEqual({ 'ann.jpg': 'ann', 'bob.jpg': 'bob', 'stranger.jpg': 'unknown' });
    expect(json.failures.map((f) => [path.basename(f.file), f.code])).toEqual([['broken.jpg', 'E_BAD_IMAGE']]);
  });

  it('prints one CSV or JSON line per face, the summary on standard error', async () => {
    const csv = await runPv(['identify', heldOut.ann as string, heldOut.bob as string, '--format', 'csv'], work);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('file,face,prediction,distance,x,y,width,height,score');
    expect(lines.slice(1).map((l) => l.split(',')[2]).sort()).toEqual(['ann', 'bob']);
    expect(csv.stderr).toContain('2 files: 2 faces (2 known, 0 unknown), 0 without a face, 0 failed');

    const jsonl = await runPv(['identify', 'batch/sub', '--format', 'jsonl'], work);
    const faces = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l) as { prediction: string; box: { width: number } });
    expect(faces).toHaveLength(1);
    expect(faces[0]).toMatchObject({ prediction: 'bob' });
    expect(faces[0]?.box.width).toBeGreaterThan(20);
  });

  it('gives exit 1 for a photo without a face in identify, verify and compare alike', async () => {
    const identify = await runPv(['identify', 'wall.jpg'], work);
    const verify = await runPv(['verify', 'wall.jpg', '--label', 'ann'], work);
    const compare = await runPv(['compare', 'wall.jpg', heldOut.ann as string], work);
    expect([identify.code, verify.code, compare.code]).toEqual([1, 1, 1]);
    expect(verify.stderr).toContain('E_NO_FACE');
  });

  it('verify says when a photo holds several faces, and --faces strict refuses it', async () => {
    const { run, json } = await runPvJson<{ match: boolean; facesFound: number }>(['verify', 'two.jpg', '--label', 'bob'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toMatchObject({ match: true, facesFound: 2 });
    const human = await runPv(['verify', 'two.jpg', '--label', 'bob'], work);
    expect(human.stdout).toContain('The photo holds 2 faces');
    const strict = await runPv(['verify', 'two.jpg', '--label', 'bob', '--faces', 'strict'], work);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('E_MULTIPLE_FACES');
  });

  it('suggests the enrolled label differing only by case', async () => {
    const run = await runPv(['verify', heldOut.ann as string, '--label', 'Ann'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean "ann"?');
  });

  it('pv annotate writes copies whose drawn boxes lie where the faces were found', async () => {
    const { run, json } = await runPvJson<BatchJson & { faces: { box: { x: number; y: number; width: number; height: number } }[] }>(
      ['annotate', 'two.jpg', '--out', 'annotated'],
      work,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(json.faces.map((f) => f.prediction)).toEqual(['bob', 'unknown']);
    const { data, info } = await sharp(path.join(work, 'annotated', 'two.png')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number): number[] => {
      const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
      return [data[i], data[i + 1], data[i + 2]] as number[];
    };
    const expected = { bob: [0, 200, 0], unknown: [255, 140, 0] } as Record<string, number[]>;
    for (const face of json.faces) {
      const { x, y, width, height } = face.box;
      const colour = expected[face.prediction] as number[];
      // The middle of each of the four edges is the box colour; the middle of the face is not.
      for (const [px, py] of [
        [x + width / 2, y],
        [x + width / 2, y + height],
        [x, y + height / 2],
        [x + width, y + height / 2],
      ] as const) {
        expect(pixel(px, py).map((c, i) => Math.abs(c - (colour[i] as number))).every((d) => d <= 3), `${face.prediction} at ${px},${py}: ${pixel(px, py).join(',')}`).toBe(true);
      }
      const centre = pixel(x + width / 2, y + height / 2);
      expect(centre.map((c, i) => Math.abs(c - (colour[i] as number))).some((d) => d > 30)).toBe(true);
    }
  });
});
