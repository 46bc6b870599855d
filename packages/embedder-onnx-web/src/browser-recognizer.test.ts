import path from 'node:path';
import { createRgbImage, MemoryStore, type RgbImage } from '@pv/core';
import { createFaceRecognizer, createImageLoader } from '@pv/embedder-onnx-node';
import { expectPvError } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserRecognizer, type BrowserFaceRecognizer } from './browser-recognizer.js';
import { cachedModelOptions, maxAbsDifference, multiFacePhoto, sharedData } from './test-data.fixture.js';

const lfw = (name: string, index: number) => path.join(sharedData, 'lfw-fold1', 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);

describe('createBrowserRecognizer (run in Node on onnxruntime-web)', () => {
  let recognizer: BrowserFaceRecognizer;
  const photos: Record<string, RgbImage> = {};

  beforeAll(async () => {
    recognizer = await createBrowserRecognizer(await cachedModelOptions());
    const loader = createImageLoader();
    for (const [name, file] of Object.entries({ group: multiFacePhoto, abel1: lfw('Abel_Pacheco', 1), abel4: lfw('Abel_Pacheco', 4), amber: lfw('Amber_Tamblyn', 1) })) {
      photos[name] = await loader.load(file);
    }
  }, 120_000);

  afterAll(async () => {
    await recognizer?.close();
  });

  it('uses cosine with the model’s calibrated threshold and an empty in-memory store', async () => {
    expect(recognizer.metric.id).toBe('cosine');
    expect(recognizer.threshold).toBe(recognizer.encoder.info.model.thresholds.find((t) => t.metric === 'cosine')?.value);
    expect(await recognizer.store?.info()).toEqual({ modelId: null, dimension: null, count: 0 });
  });

  it('embedFacesInImage gives every face with the embeddings of the Node pipeline (within 1e-4)', async () => {
    const faces = await recognizer.embedFacesInImage(photos['group']!);
    const node = await createFaceRecognizer();
    try {
      const expected = await node.embedFaces(photos['group']!, 'all');
      expect(faces).toHaveLength(6);
      faces.forEach((face, i) => expect(maxAbsDifference(face.embedding, expected[i]!.embedding)).toBeLessThan(1e-4));
    } finally {
      await node.close();
    }
  });

  it('embedFacesInImage gives no faces for an image without any', async () => {
    expect(await recognizer.embedFacesInImage(createRgbImage(320, 240, new Uint8Array(320 * 240 * 3).fill(90)))).toEqual([]);
  });

  it('enrols and identifies, and verifies same and different people', async () => {
    const enrolled = await recognizer.generateEmbeddings({ image: photos['abel1']!, label: 'abel' }, { save: true });
    expect(enrolled.saved).toHaveLength(1);
    await recognizer.generateEmbeddings({ image: photos['amber']!, label: 'amber' }, { save: true });
    const [face] = await recognizer.identify(photos['abel4']!);
    expect(face?.prediction).toBe('abel');
    expect((await recognizer.compare(photos['abel1']!, photos['abel4']!)).match).toBe(true);
    expect((await recognizer.compare(photos['abel1']!, photos['amber']!)).match).toBe(false);
  });

  it('cannot read directories in a browser: E_INVALID_ARGUMENT', async () => {
    await expectPvError(recognizer.generateEmbeddings({ directory: '/photos' }), 'E_INVALID_ARGUMENT');
  });

  it('takes l2 and a given store', async () => {
    const options = await cachedModelOptions();
    const store = new MemoryStore();
    const withL2 = await createBrowserRecognizer({ ...options, metric: 'l2', store });
    try {
      expect(withL2.metric.id).toBe('l2');
      expect(withL2.store).toBe(store);
      expect((await withL2.compare(photos['abel1']!, photos['abel4']!)).match).toBe(true);
    } finally {
      await withL2.close();
    }
  });

  it('fails with the download error when a model cannot be fetched', async () => {
    const options = await cachedModelOptions();
    await expectPvError(createBrowserRecognizer({ ...options, modelUrls: { mobilefacenet: 'http://models.test/missing.onnx' } }), 'E_MODEL_UNAVAILABLE');
  });
});
