// The real conversion: face-api's files from the npm registry, converted, checked against the catalog.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getEmbedderModel } from '@pv/models';
import { describeEmbedder } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertFaceApiRecognitionModel } from '../convert.js';
import { createDlibResnetEmbedder, createDlibResnetRecognizer, ensureDlibResnetModel } from './dlib-resnet-models.js';
import { faceApiModelDir } from './face-api-reference.fixture.js';
import { alignedFaces, lfwImage } from './test-data.fixture.js';

let cacheDir: string;
let built: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(tmpdir(), 'pv-dlib-resnet-'));
  built = await ensureDlibResnetModel({ cacheDir });
}, 300_000);

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('ensureDlibResnetModel', () => {
  it("builds, from the registry's face-api files, exactly the bytes the catalog pins", async () => {
    const entry = getEmbedderModel('dlib-resnet');
    const bytes = await readFile(built);
    expect(built).toBe(path.join(cacheDir, 'dlib-resnet', 'dlib-resnet.onnx'));
    expect(bytes.length).toBe(entry.source.size);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.source.sha256);
  });

  it('builds the same bytes as converting the face-api files installed beside the tests', async () => {
    const names = ['face_recognition_model-weights_manifest.json', 'face_recognition_model.bin'];
    const files = await Promise.all(
      names.map(async (name) => ({ path: `model/${name}`, bytes: new Uint8Array(await readFile(path.join(faceApiModelDir, name))) })),
    );
    expect(Buffer.from(await convertFaceApiRecognitionModel(files)).equals(await readFile(built))).toBe(true);
  });
});

describe('createDlibResnetRecognizer', () => {
  it('uses the catalog metric (l2) and its calibrated threshold', async () => {
    const recognizer = await createDlibResnetRecognizer();
    try {
      const entry = getEmbedderModel('dlib-resnet');
      expect(recognizer.encoder.info.model.id).toBe('dlib-resnet');
      expect(recognizer.metric.id).toBe('l2');
      expect(recognizer.threshold).toBe(entry.thresholds[0]?.value);
    } finally {
      await recognizer.close();
    }
  });
});

describeEmbedder('dlib-resnet (onnxruntime-node)', () => createDlibResnetEmbedder(), {
  crops: async () => (await alignedFaces([lfwImage('Abel_Pacheco', 1), lfwImage('Akhmed_Zakayev', 3), lfwImage('Amber_Tamblyn', 1)])).map((f) => f.crop),
});
