// `--require-live` on pv verify and pv identify (one photo and a batch): a live CelebA photo passes and is
// matched; a grayscale LFW photo the liveness check calls not live (one of its measured false rejects) is
// refused with E_FACE_REJECTED and exit 1 by verify, and reported per face by a batch that goes on.
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, sharedData, tempDir } from './pv-process.fixture.js';

const celeba = (stem: string): string => path.join(sharedData, 'celeba-sample', '7206', `${stem}.jpg`);
const live = celeba('185455');
const gray = path.join(sharedData, 'lfw-fold1', 'images', 'Amber_Tamblyn', 'Amber_Tamblyn_0002.jpg');

interface Rejected {
  readonly code: string;
  readonly message: string;
  readonly details: { reasons: { code: string; measured: number; limit: number }[]; liveness: { score: number; threshold: number } };
}

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('require-live');
  await linkPhotos(path.join(work, 'people'), { alice: [celeba('182757'), celeba('183064')] });
  const batch = path.join(work, 'batch');
  await mkdir(batch, { recursive: true });
  await symlink(live, path.join(batch, 'live.jpg'));
  await symlink(gray, path.join(batch, 'gray.jpg'));
  const enrolled = await runPv(['enroll', 'people', '--store', 'file:faces.pv'], work);
  if (enrolled.code !== 0) throw new Error(enrolled.stderr);
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv verify / identify --require-live', { timeout: E2E_TIMEOUT_MS }, () => {
  it('verify: a live photo matches and reports its analyses; a photo judged not live exits 1 with E_FACE_REJECTED and the score', async () => {
    const ok = await runPvJson<{ match: boolean; analysis: { liveness: { live: boolean; score: number }; pose: { yaw: number } } }>(
      ['verify', live, '--label', 'alice', '--require-live', '--analyses', 'pose', '--store', 'file:faces.pv', '--json'],
      work,
    );
    expect(ok.run.code, ok.run.stderr).toBe(0);
    expect(ok.json.match).toBe(true);
    expect(ok.json.analysis.liveness.live).toBe(true);
    expect(typeof ok.json.analysis.pose.yaw).toBe('number');

    const refused = await runPvJson<{ error: Rejected }>(['verify', gray, '--label', 'alice', '--require-live', '--store', 'file:faces.pv', '--json'], work);
    expect(refused.run.code).toBe(1);
    expect(refused.json.error.code).toBe('E_FACE_REJECTED');
    expect(refused.json.error.details.reasons).toEqual([expect.objectContaining({ code: 'not-live', limit: 0.5 })]);
    expect(refused.json.error.details.liveness.score).toBeLessThan(0.5);
    // Without the flag the same photo is simply not a match.
    expect((await runPv(['verify', gray, '--label', 'alice', '--store', 'file:faces.pv'], work)).code).toBe(1);
    const human = await runPv(['verify', gray, '--label', 'alice', '--require-live', '--store', 'file:faces.pv'], work);
    expect(human.stderr).toMatch(/Liveness score 0\.\d+ is below the minimum 0\.5/);
  });

  it('identify one photo: the live face is recognised', async () => {
    const { run, json } = await runPvJson<{ faces: { prediction: string; rejected?: Rejected; analysis: { liveness: { live: boolean } } }[] }>(
      ['identify', live, '--require-live', '--store', 'file:faces.pv', '--json'],
      work,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(json.faces[0]?.prediction).toBe('alice');
    expect(json.faces[0]?.rejected).toBeUndefined();
    expect(json.faces[0]?.analysis.liveness.live).toBe(true);
  });

  it('identify a batch: the face judged not live is reported as rejected, the live one is recognised, the batch goes on', async () => {
    const { run, json } = await runPvJson<{
      summary: { faces: number; known: number; unknown: number; rejected: number; failed: number };
      faces: { file: string; prediction: string; rejected?: Rejected; candidates: unknown[] }[];
    }>(['identify', 'batch', '--require-live', '--store', 'file:faces.pv', '--json'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json.summary).toMatchObject({ faces: 2, known: 1, unknown: 0, rejected: 1, failed: 0 });
    const rejected = json.faces.find((f) => path.basename(f.file) === 'gray.jpg');
    expect(rejected?.rejected?.code).toBe('E_FACE_REJECTED');
    expect(rejected?.rejected?.details.liveness.score).toBeLessThan(0.5);
    expect(rejected?.candidates).toEqual([]);
    expect(json.faces.find((f) => path.basename(f.file) === 'live.jpg')?.prediction).toBe('alice');
    const table = await runPv(['identify', 'batch', '--require-live', '--store', 'file:faces.pv'], work);
    expect(table.stdout).toMatch(/gray\.jpg\s+face 1\s+rejected/);
    expect(table.stdout).toMatch(/1 rejected as not live/);
  });
});
