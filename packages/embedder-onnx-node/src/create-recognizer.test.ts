import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxArea, MemoryStore, type FaceDetector, type FaceRecognizer, type LocalFaceEncoder } from '@pv/core';
import { createFaceRecognizer } from './create-recognizer.js';
import { lfwImage, sharedData, singleFaceLfw } from './test-data.fixture.js';

const celeba = path.join(sharedData, 'celeba-sample');

describe('createFaceRecognizer end to end on CelebA', () => {
  let recognizer: FaceRecognizer;
  const heldOut: { label: string; file: string }[] = [];
  let enrolled = 0;
  let failures: string[] = [];

  beforeAll(async () => {
    recognizer = await createFaceRecognizer({ store: new MemoryStore() });
    // Enroll every identity's photos but the last one (by name); keep that one to identify.
    for (const label of (await readdir(celeba)).sort()) {
      const files = (await readdir(path.join(celeba, label))).sort().map((f) => path.join(celeba, label, f));
      heldOut.push({ label, file: files.pop() as string });
      for (const file of files) {
        const result = await recognizer.generateEmbeddings({ image: file, label }, { save: true });
        enrolled += result.saved.length;
        failures = failures.concat(result.failures.map((f) => `${f.file}: ${f.code}`));
      }
    }
  }, 300_000);

  afterAll(async () => {
    await recognizer.close();
  });

  it('enrolls a face from every photo', async () => {
    expect(failures).toEqual([]);
    expect(enrolled).toBe(108);
    expect((await recognizer.store?.labels())?.length).toBe(16);
  });

  it('identifies the held-out photos (measured: 15 of 16 top-1)', async () => {
    let correct = 0;
    for (const { label, file } of heldOut) {
      const faces = await recognizer.identify(file, { k: 3 });
      const main = faces.reduce((a, b) => (boxArea(b.detection.box) > boxArea(a.detection.box) ? b : a));
      if (main.candidates[0]?.label === label) correct++;
    }
    expect(heldOut).toHaveLength(16);
    expect(correct).toBeGreaterThanOrEqual(14);
  });

  it('verifies LFW photos of the same person and tells different people apart', async () => {
    const [a1, a4, z1] = singleFaceLfw as [string, string, string];
    expect((await recognizer.compare(a1, a4)).match).toBe(true);
    expect((await recognizer.compare(a1, z1)).match).toBe(false);
  });

  it('uses cosine with the model’s threshold by default, and l2 when asked', async () => {
    expect(recognizer.metric.id).toBe('cosine');
    expect(recognizer.threshold).toBe(recognizer.encoder.info.model.thresholds.find((t) => t.metric === 'cosine')?.value);
    const withL2 = await createFaceRecognizer({ metric: 'l2' });
    try {
      expect(withL2.metric.id).toBe('l2');
      const [a1, a4] = singleFaceLfw as [string, string];
      expect((await withL2.compare(a1, a4)).match).toBe(true);
    } finally {
      await withL2.close();
    }
  });

  it('takes a detector instance in place of RFB-320, and closes it with the recognizer', async () => {
    const calls: number[] = [];
    let closed = false;
    const inner = (recognizer.encoder as LocalFaceEncoder).detector;
    const counting: FaceDetector = {
      id: 'counting',
      detect: async (image) => {
        calls.push(image.width);
        return inner.detect(image);
      },
      close: async () => {
        closed = true;
      },
    };
    const custom = await createFaceRecognizer({ faceDetector: counting });
    try {
      expect((custom.encoder as LocalFaceEncoder).detector).toBe(counting);
      const [a1, a4] = singleFaceLfw as [string, string];
      expect((await custom.compare(a1, a4)).match).toBe(true);
      expect(calls).toEqual([250, 250]);
    } finally {
      await custom.close();
    }
    expect(closed).toBe(true);
  });
});

describe('createFaceRecognizer with requireLive and per-call analyses on real photos', () => {
  let recognizer: FaceRecognizer;
  const photo = (stem: string): string => path.join(celeba, '7206', `${stem}.jpg`);

  beforeAll(async () => {
    recognizer = await createFaceRecognizer({ store: new MemoryStore(), analyses: ['pose'], requireLive: true });
    for (const stem of ['182757', '183064']) await recognizer.generateEmbeddings({ image: photo(stem), label: 'celeb-7206' }, { save: true });
  }, 120_000);

  afterAll(async () => {
    await recognizer.close();
  });

  it('verifies and identifies a live CelebA photo under requireLive, with the analyses asked for', async () => {
    const verified = await recognizer.verify(photo('185455'), 'celeb-7206', { analyses: ['pose'] });
    expect(verified.match).toBe(true);
    expect(verified.analysis?.liveness?.live).toBe(true);
    expect(Math.abs(verified.analysis?.pose?.yaw ?? 180)).toBeLessThan(90);
    const [face] = await recognizer.identify(photo('185455'), { k: 1 });
    expect(face?.prediction).toBe('celeb-7206');
    expect(face?.rejected).toBeUndefined();
    expect(face?.analysis?.liveness?.score).toBeGreaterThanOrEqual(0.5);
  });

  it('refuses a photo the liveness check calls not live (a grayscale LFW photo, one of its measured false rejects)', async () => {
    const gray = lfwImage('Amber_Tamblyn', 2);
    const error = await recognizer.verify(gray, 'celeb-7206').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_FACE_REJECTED', details: { reasons: [{ code: 'not-live', limit: 0.5 }] } });
    expect((error as { details: { liveness: { score: number } } }).details.liveness.score).toBeLessThan(0.5);
    const [face] = await recognizer.identify(gray);
    expect(face?.rejected?.code).toBe('E_FACE_REJECTED');
    expect(face?.candidates).toEqual([]);
    // requireLive: false per call verifies the same photo (it is not this person).
    expect((await recognizer.verify(gray, 'celeb-7206', { requireLive: false })).match).toBe(false);
  });
});
