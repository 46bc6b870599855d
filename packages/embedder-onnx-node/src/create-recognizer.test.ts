import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxArea, MemoryStore, type FaceDetector, type FaceRecognizer, type LocalFaceEncoder } from '@pv/core';
import { createFaceRecognizer } from './create-recognizer.js';
import { sharedData, singleFaceLfw } from './test-data.fixture.js';

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
