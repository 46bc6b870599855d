// Every FaceEncoder and FaceDetector of this package runs the conformance suites of @pv/testkit on real photos.
import { createImageLoader } from '@pv/embedder-onnx-node';
import { describeFaceDetector, describeFaceEncoder } from '@pv/testkit';
import { afterAll, beforeAll } from 'vitest';
import { DETECTORS } from './detectors.js';
import { openFaceEncoder } from './open-face-encoder.js';
import { blankImage, MULTI_FACE_PHOTO, ONE_FACE_PHOTOS, openTestCache, type TestCache } from './test-cache.fixture.js';

let cache: TestCache | undefined;
beforeAll(async () => {
  cache = await openTestCache();
}, 300_000);
afterAll(async () => {
  await cache?.remove();
});
const cacheDir = (): string => (cache as TestCache).cacheDir;

const fixtures = {
  oneFace: ONE_FACE_PHOTOS.slice(0, 3),
  noFace: blankImage(),
  manyFaces: MULTI_FACE_PHOTO,
  missingFile: '/no/such/photo.jpg',
};

describeFaceEncoder('openFaceEncoder in-thread (rfb320)', () => openFaceEncoder({ detector: 'rfb320', cacheDir: cacheDir() }), fixtures);
describeFaceEncoder('openFaceEncoder in-thread (mtcnn)', () => openFaceEncoder({ detector: 'mtcnn', cacheDir: cacheDir() }), fixtures);
describeFaceEncoder('openFaceEncoder pool of 2 workers (rfb320)', () => openFaceEncoder({ detector: 'rfb320', cacheDir: cacheDir(), threads: 2 }), fixtures);

const images = createImageLoader();
const detectorFixtures = async () => ({
  oneFace: await Promise.all(ONE_FACE_PHOTOS.slice(0, 2).map((file) => images.load(file))),
  noFace: blankImage(),
  manyFaces: await images.load(MULTI_FACE_PHOTO),
});
for (const id of ['rfb320', 'mtcnn'] as const) {
  describeFaceDetector(`${id} (openFaceEncoder's detector table)`, () => (DETECTORS[id] as (typeof DETECTORS)[string]).open({ models: { cacheDir: cacheDir() }, session: {}, options: {} }), await detectorFixtures());
}
