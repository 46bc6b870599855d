// pv's converted dlib-resnet against face-api itself, on the very same 150x150 aligned faces.
import { createRequire } from 'node:module';
import type { RgbImage } from '@pv/core';
import { imageInputSpec, type OnnxEmbedder } from '@pv/embedder-onnx-node';
import { getEmbedderModel } from '@pv/models';
import { packTensor } from '@pv/vision';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLIB_RESNET_OUTPUT_NAME } from '../dlib-resnet-graph.js';
import { createDlibResnetEmbedder, ensureDlibResnetModel } from './dlib-resnet-models.js';
import { loadFaceApi, type FaceApiModule, type TfjsBackend } from './face-api-reference.fixture.js';
import { alignedFaces, celebaPhotos, lfwImage, type AlignedFace } from './test-data.fixture.js';

const require = createRequire(import.meta.url);
const TOLERANCE = 1e-4;

let faces: AlignedFace[];
let session: ort.InferenceSession;
let embedder: OnnxEmbedder;

beforeAll(async () => {
  session = await ort.InferenceSession.create(await ensureDlibResnetModel(), { intraOpNumThreads: 1 });
  embedder = await createDlibResnetEmbedder();
  // Grayscale LFW photos and colour CelebA scenes (colour catches a channel-order mistake).
  faces = await alignedFaces([
    lfwImage('Abel_Pacheco', 1),
    lfwImage('Abel_Pacheco', 4),
    lfwImage('Akhmed_Zakayev', 1),
    lfwImage('Amber_Tamblyn', 2),
    ...(await celebaPhotos(4)),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([session?.release(), embedder?.close()]);
});

/** pv's raw (not normalised) descriptor: the catalog's input packing, then the converted graph. */
async function pvDescriptor(crop: RgbImage): Promise<Float32Array> {
  const input = imageInputSpec(getEmbedderModel('dlib-resnet'));
  const buffer = new Float32Array(input.length);
  packTensor(crop, buffer, 0, input.normalization);
  const outputs = await session.run({ [input.name]: new ort.Tensor('float32', buffer, [1, 3, input.height, input.width]) });
  return Float32Array.from(outputs[DLIB_RESNET_OUTPUT_NAME]?.data as Float32Array);
}

/** face-api's `computeFaceDescriptor` of the same crop (150x150 already, so face-api does not resize it). */
async function faceApiDescriptor(faceapi: FaceApiModule, crop: RgbImage): Promise<Float32Array> {
  const tensor = faceapi.tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
  try {
    return (await faceapi.computeFaceDescriptor(tensor)) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe.each<[TfjsBackend, number]>([
  ['wasm', Number.POSITIVE_INFINITY],
  // The cpu backend takes most of a second per face: two faces (one gray, one colour) are enough.
  ['cpu', 2],
])('dlib-resnet equals face-api on tfjs %s', (backend, limit) => {
  it(`gives face-api's descriptor within ${TOLERANCE} on every face`, async () => {
    const faceapi = await loadFaceApi(backend);
    expect(require('@tensorflow/tfjs').getBackend()).toBe(backend);
    const chosen = limit >= faces.length ? faces : [faces[0] as AlignedFace, faces[faces.length - 1] as AlignedFace];
    for (const { file, crop } of chosen) {
      const reference = await faceApiDescriptor(faceapi, crop);
      const ours = await pvDescriptor(crop);
      expect(reference).toHaveLength(128);
      expect(maxAbsDifference(ours, reference), file).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 120_000);
});

describe('the dlib-resnet embedder', () => {
  it("returns face-api's descriptors, L2-normalised, within the same tolerance", async () => {
    const faceapi = await loadFaceApi('wasm');
    const embeddings = await embedder.embed(faces.map((f) => f.crop));
    for (const [i, { file, crop }] of faces.entries()) {
      const reference = unit(await faceApiDescriptor(faceapi, crop));
      expect(maxAbsDifference(embeddings[i] as Float32Array, reference), file).toBeLessThanOrEqual(TOLERANCE);
    }
  }, 120_000);

  it('separates the faces being compared: the tolerance is far below the gap between people', async () => {
    const [a, b] = await Promise.all([pvDescriptor(faces[0]?.crop as RgbImage), pvDescriptor(faces[faces.length - 1]?.crop as RgbImage)]);
    expect(maxAbsDifference(a, b)).toBeGreaterThan(1000 * TOLERANCE);
  });
});
