import { FaceRecognizer, MemoryStore, createRgbImage, isPvError } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { describe, expect, it } from 'vitest';
import {
  FakeEmbedder,
  FakeFaceDetector,
  FakeImageLoader,
  createFakePhoto,
  encodeFakeImage,
  fakeAlignFace,
  fakeDetection,
} from './index.js';

const aliceBox = { x: 10, y: 5, width: 20, height: 24 };
const bobBox = { x: 50, y: 40, width: 8, height: 8 };

async function codeOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
    return 'none';
  } catch (error) {
    return isPvError(error) ? error.code : 'other';
  }
}

describe('FakeFaceDetector', () => {
  it('finds painted faces, larger (more confident) first, with landmarks inside the box', async () => {
    const photo = createFakePhoto(80, 60, [
      { box: bobBox, identity: 2 },
      { box: aliceBox, identity: 1 },
    ]);
    const detector = new FakeFaceDetector();
    const found = await detector.detect(photo);
    expect(found.map((d) => d.box)).toEqual([aliceBox, bobBox]);
    expect(found[0]?.score).toBeGreaterThan(found[1]?.score ?? 1);
    for (const d of found) {
      expect(d.score).toBeGreaterThan(0);
      expect(d.score).toBeLessThan(1);
      for (const p of d.landmarks) {
        expect(p.x).toBeGreaterThanOrEqual(d.box.x);
        expect(p.x).toBeLessThanOrEqual(d.box.x + d.box.width);
        expect(p.y).toBeGreaterThanOrEqual(d.box.y);
        expect(p.y).toBeLessThanOrEqual(d.box.y + d.box.height);
      }
    }
    expect(await detector.detect(createFakePhoto(30, 30))).toEqual([]);
    expect(detector.calls).toBe(2);
  });

  it('tells apart touching faces of different identities', async () => {
    const photo = createFakePhoto(40, 20, [
      { box: { x: 0, y: 0, width: 10, height: 10 }, identity: 1 },
      { box: { x: 10, y: 0, width: 10, height: 10 }, identity: 2 },
    ]);
    expect((await new FakeFaceDetector().detect(photo)).map((d) => d.box.x).sort()).toEqual([0, 10]);
  });

  it('runs a scripted detect function and still sorts by score', async () => {
    const photo = createRgbImage(10, 10);
    const table = new Map([[photo, [fakeDetection(bobBox, 0.4), fakeDetection(aliceBox, 0.8)]]]);
    const detector = new FakeFaceDetector({ id: 'table', detect: (image) => table.get(image) ?? [] });
    expect(detector.id).toBe('table');
    expect((await detector.detect(photo)).map((d) => d.score)).toEqual([0.8, 0.4]);
    await detector.close();
    expect(detector.closed).toBe(true);
  });
});

describe('fakeAlignFace', () => {
  it('cuts the box out at the requested size', () => {
    const photo = createFakePhoto(80, 60, [{ box: aliceBox, identity: 0x0102 }]);
    const crop = fakeAlignFace(photo, fakeDetection(aliceBox), { kind: 'box-crop', width: 6, height: 4, margin: 0, square: false });
    expect([crop.width, crop.height]).toEqual([6, 4]);
    for (let i = 0; i < crop.data.length; i += 3) expect(Array.from(crop.data.subarray(i, i + 3))).toEqual([255, 1, 2]);
  });

  it('leaves parts outside the photo black', () => {
    const photo = createFakePhoto(10, 10);
    const crop = fakeAlignFace(photo, fakeDetection({ x: -10, y: 0, width: 20, height: 10 }), {
      kind: 'box-crop',
      width: 2,
      height: 1,
      margin: 0,
      square: false,
    });
    expect(Array.from(crop.data)).toEqual([0, 0, 0, 128, 128, 128]);
  });
});

describe('FakeEmbedder', () => {
  it('gives the same crop the same embedding and different crops nearly orthogonal ones', async () => {
    const embedder = new FakeEmbedder({ dimension: 64 });
    const a = createRgbImage(32, 32, new Uint8Array(32 * 32 * 3).fill(1));
    const b = createRgbImage(32, 32, new Uint8Array(32 * 32 * 3).fill(2));
    const [ea, eb, ea2] = await embedder.embed([a, b, createRgbImage(32, 32, Uint8Array.from(a.data))]);
    expect(ea).toEqual(ea2);
    expect(cosine.distance(ea as Float32Array, eb as Float32Array)).toBeGreaterThan(0.5);
  });

  it('refuses wrong sizes and use after close', async () => {
    const embedder = new FakeEmbedder({ inputSize: { width: 4, height: 2 } });
    expect(await codeOf(embedder.embed([createRgbImage(2, 4)]))).toBe('E_INVALID_ARGUMENT');
    expect(await embedder.embed([createRgbImage(4, 2)])).toHaveLength(1);
    await embedder.close();
    expect(await codeOf(embedder.embed([createRgbImage(4, 2)]))).toBe('E_INVALID_ARGUMENT');
  });

  it('describes a box-crop model with thresholds for cosine and l2', () => {
    const { model } = new FakeEmbedder();
    expect(model).toMatchObject({ id: 'fake-embedder', dimension: 16, inputSize: { width: 32, height: 32 } });
    expect(model.thresholds.map((t) => t.metric)).toEqual(['cosine', 'l2']);
  });
});

describe('FakeImageLoader', () => {
  const photo = createFakePhoto(4, 4);
  const loader = (): FakeImageLoader =>
    new FakeImageLoader({
      'in/b.jpg': photo,
      'in/a.jpg': photo,
      'in/sub/c.jpg': photo,
      'in/sub/deeper/d.jpg': photo,
      'in/broken.jpg': null,
      'other/e.jpg': photo,
    });

  it('lists a directory and its direct subfolders, sorted by relative path', async () => {
    expect(await loader().listImageFiles('in/')).toEqual([
      { path: 'in/a.jpg', relativePath: 'a.jpg' },
      { path: 'in/b.jpg', relativePath: 'b.jpg' },
      { path: 'in/broken.jpg', relativePath: 'broken.jpg' },
      { path: 'in/sub/c.jpg', relativePath: 'sub/c.jpg' },
    ]);
    expect(await codeOf(loader().listImageFiles('missing'))).toBe('E_NOT_FOUND');
  });

  it('loads files and fake-encoded bytes, and fails like a real loader', async () => {
    const images = loader();
    expect(await images.load('in/a.jpg')).toBe(photo);
    expect(await codeOf(images.load('in/broken.jpg'))).toBe('E_BAD_IMAGE');
    expect(await codeOf(images.load('in/none.jpg'))).toBe('E_NOT_FOUND');
    const decoded = await images.load(encodeFakeImage(photo));
    expect(decoded).toEqual(photo);
    expect(await codeOf(images.load(Uint8Array.of(1, 2, 3)))).toBe('E_BAD_IMAGE');
    expect(images.loaded).toEqual(['in/a.jpg', 'in/broken.jpg', 'in/none.jpg', '<bytes>', '<bytes>']);
  });
});

describe('the fakes together', () => {
  it('drive a FaceRecognizer end to end', async () => {
    const alice = (x: number) => ({ box: { x, y: 4, width: 24, height: 24 }, identity: 1 });
    const images = new FakeImageLoader({
      'people/alice_1.jpg': createFakePhoto(64, 40, [alice(4)]),
      'people/alice_2.jpg': createFakePhoto(64, 40, [alice(30)]),
      'people/bob.jpg': createFakePhoto(64, 40, [{ box: { x: 8, y: 8, width: 20, height: 20 }, identity: 2 }]),
      'people/nobody.jpg': createFakePhoto(64, 40),
    });
    const store = new MemoryStore();
    const recognizer = new FaceRecognizer({
      detector: new FakeFaceDetector(),
      embedder: new FakeEmbedder(),
      align: fakeAlignFace,
      metric: cosine,
      images,
      store,
    });
    const result = await recognizer.generateEmbeddings({ directory: 'people' }, { save: true });
    expect(result.embeddings.map((e) => e.label)).toEqual(['alice', 'alice', 'bob']);
    expect(result.failures.map((f) => [f.file, f.code])).toEqual([['people/nobody.jpg', 'E_NO_FACE']]);
    expect(await store.count()).toBe(3);
    const visitor = createFakePhoto(50, 50, [{ box: { x: 2, y: 2, width: 30, height: 30 }, identity: 1 }]);
    expect(await recognizer.verify(visitor, 'alice')).toMatchObject({ match: true, prediction: 'alice' });
    expect(await recognizer.verify(visitor, 'bob')).toMatchObject({ match: false, prediction: 'alice' });
    await recognizer.close();
  });
});
