import { LocalFaceEncoder, MemoryStore } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { createL2Metric, l2 } from '@pv/metric-l2';
import { createFakePhoto, fakeAlignFace, FakeEmbedder, FakeFaceDetector, FakeImageLoader } from './fakes/index.js';
import { describeFaceDetector } from './describe-face-detector.js';
import { describeFaceEncoder } from './describe-face-encoder.js';
import { describeEmbedder } from './describe-embedder.js';
import { describeMetric } from './describe-metric.js';
import { describeStore } from './describe-store.js';

describeStore('MemoryStore', () => ({ open: async (options) => new MemoryStore(options) }), { anyMetric: true });

describeMetric('l2', l2, { range: [0, Number.POSITIVE_INFINITY], triangleInequality: true });
describeMetric('createL2Metric()', createL2Metric(), { triangleInequality: true });
describeMetric('cosine', cosine, { range: [0, 2] });
describeMetric('cosine (normalized)', createCosineMetric({ normalized: true }), { inputs: 'unit', range: [0, 2] });

describeEmbedder('FakeEmbedder', () => new FakeEmbedder());
describeEmbedder('FakeEmbedder (512-d, 112x96)', () => new FakeEmbedder({ dimension: 512, inputSize: { width: 112, height: 96 } }));

const fakePhotos = {
  'people/a.png': createFakePhoto(96, 96, [{ box: { x: 20, y: 20, width: 40, height: 48 }, identity: 1 }]),
  'people/b.png': createFakePhoto(96, 96, [{ box: { x: 30, y: 10, width: 36, height: 40 }, identity: 2 }]),
  'people/blank.png': createFakePhoto(96, 96, []),
  'people/group.png': createFakePhoto(160, 96, [
    { box: { x: 10, y: 10, width: 50, height: 60 }, identity: 3 },
    { box: { x: 90, y: 20, width: 30, height: 36 }, identity: 4 },
  ]),
};

describeFaceEncoder(
  'LocalFaceEncoder (testkit fakes)',
  () =>
    new LocalFaceEncoder({ detector: new FakeFaceDetector(), embedder: new FakeEmbedder(), align: fakeAlignFace, images: new FakeImageLoader(fakePhotos) }),
  {
    oneFace: ['people/a.png', 'people/b.png', fakePhotos['people/a.png']],
    noFace: 'people/blank.png',
    manyFaces: 'people/group.png',
    missingFile: 'people/nobody.png',
  },
);

describeFaceDetector('FakeFaceDetector', () => new FakeFaceDetector(), {
  oneFace: [fakePhotos['people/a.png'], fakePhotos['people/b.png']],
  noFace: fakePhotos['people/blank.png'],
  manyFaces: fakePhotos['people/group.png'],
});
