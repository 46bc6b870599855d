// The browser FaceEncoder (onnxruntime-web, run here in Node) keeps the FaceEncoder contract of @pv/core.
// Node has no createImageBitmap, so photos go in decoded (by sharp, as the Node encoder decodes them).
import { createRgbImage } from '@pv/core';
import { createImageLoader } from '@pv/embedder-onnx-node';
import { describeFaceEncoder } from '@pv/testkit';
import { createBrowserFaceEncoder } from './browser-recognizer.js';
import { cachedModelOptions, lfwSample, multiFacePhoto } from './test-data.fixture.js';

const images = createImageLoader();
const oneFace = await Promise.all((await lfwSample(3)).map((file) => images.load(file)));

describeFaceEncoder('createBrowserFaceEncoder (onnxruntime-web in Node)', async () => createBrowserFaceEncoder(await cachedModelOptions()), {
  oneFace,
  noFace: createRgbImage(96, 96, new Uint8Array(96 * 96 * 3).fill(128)),
  manyFaces: await images.load(multiFacePhoto),
  // The test's fetch answers 404 for anything but the model files.
  missingFile: 'http://models.test/no-such-photo.jpg',
});
