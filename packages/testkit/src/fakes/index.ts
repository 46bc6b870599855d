export { FakeFaceDetector, type FakeFaceDetectorOptions } from './fake-face-detector.js';
export { FakeEmbedder, type FakeEmbedderOptions } from './fake-embedder.js';
export { fakeAlignFace } from './fake-aligner.js';
export { FakeImageLoader, encodeFakeImage, type FakeFile } from './fake-image-loader.js';
export {
  FAKE_FACE_MARKER,
  createFakePhoto,
  fakeDetection,
  fakeLandmarks,
  paintFakeFace,
  type FakeFace,
} from './fake-face.js';
