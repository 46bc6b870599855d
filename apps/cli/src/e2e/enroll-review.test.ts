// `pv enroll --review strict`: a blurred, a darkened and a downscaled copy of a real face are each refused
// with their reason and measured value, the original is enrolled.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_TIMEOUT_MS, runPvJson, sharedData, tempDir } from './pv-process.fixture.js';

interface EnrollJson {
  readonly enrolled: readonly { file: string; label: string }[];
  readonly failures: readonly { file: string; code: string; reason: string; message: string; details?: { reasons?: { code: string; measured: number; limit: number }[] } }[];
}

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('enroll-review');
  // A frontal, sharp, well-lit CelebA face (112 px box) that passes the strict review (see embedder-onnx-node's
  // face-analyzer test, which checks the same derivatives at library level).
  const photo = path.join(sharedData, 'celeba-sample', '7235', '189071.jpg');
  const dir = path.join(work, 'person');
  const image = sharp(photo);
  await mkdir(dir, { recursive: true });
  await image.clone().toFile(path.join(dir, 'original.jpg'));
  await image.clone().blur(4).jpeg({ quality: 95 }).toFile(path.join(dir, 'blurred.jpg'));
  await image.clone().linear(0.3, 0).jpeg({ quality: 95 }).toFile(path.join(dir, 'dark.jpg'));
  const { width = 0 } = await image.metadata();
  await image.clone().resize(Math.round(width / 3)).jpeg({ quality: 95 }).toFile(path.join(dir, 'small.jpg'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv enroll --review strict', { timeout: E2E_TIMEOUT_MS }, () => {
  it('refuses the blurred, dark and downscaled copies with their reasons, and enrolls the original', async () => {
    const { run, json } = await runPvJson<EnrollJson>(['enroll', '.', '--layout', 'subfolders', '--review', 'strict', '--store', 'file:review.pv'], work);
    expect([0, 1], run.stderr).toContain(run.code);
    const reasonsOf = (name: string): string[] =>
      json.failures.find((f) => path.basename(f.file) === name)?.details?.reasons?.map((r) => r.code) ?? [];
    expect(json.enrolled.map((e) => path.basename(e.file))).toEqual(['original.jpg']);
    expect(reasonsOf('blurred.jpg')).toContain('blurred');
    expect(reasonsOf('dark.jpg')).toContain('too-dark');
    const small = json.failures.find((f) => path.basename(f.file) === 'small.jpg');
    // A copy this small may lose its face altogether; either way it is not enrolled, and says why.
    expect(small?.code === 'E_NO_FACE' || reasonsOf('small.jpg').includes('too-small')).toBe(true);
    for (const f of json.failures) if (f.code === 'E_FACE_REJECTED') expect(f.reason).toBe('rejected');
  });
});
