import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OnnxEmbedder } from '@pv/embedder-onnx-node';
import { loadLocalModels } from '@pv/model-fetch';
import { ModelCatalog } from '@pv/models';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFacenet } from './import-facenet.js';
import { syntheticInceptionResnetV1Entries } from './inception-resnet-v1/synthetic-weights.fixture.js';
import { alignedFace, FACENET_DATA_DIR, toPixelBatch } from './test-images.fixture.js';

const SLOW = 240_000;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('importFacenet', () => {
  let work: string;
  let vggface2: string;
  let casiaWebface: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pv-facenet-import-'));
    vggface2 = path.join(work, '20180402-114759-vggface2.pt');
    casiaWebface = path.join(work, '20180408-102900-casia-webface.pt');
    // Stand-ins for the official files: the same layout (with each variant's classifier), synthetic values.
    await writeFile(vggface2, writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 1, logitsClasses: 8631 }), { format: 'legacy', layout: 'column-major' }));
    await writeFile(casiaWebface, writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 2, logitsClasses: 10575 }), { format: 'zip' }));
  }, SLOW);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it(
    'converts both files, writes the ONNX models and registers verified local catalog entries',
    async () => {
      const modelsDir = path.join(work, 'models');
      const catalog = new ModelCatalog();
      const imported = await importFacenet({ vggface2, casiaWebface, modelsDir, catalog });
      expect(imported.map((m) => m.id)).toEqual(['facenet-vggface2', 'facenet-casia-webface']);

      for (const model of imported) {
        const onnx = new Uint8Array(await readFile(model.onnxFile));
        expect(model.onnxFile).toBe(path.join(modelsDir, `${model.id}.onnx`));
        const checkpoint = new Uint8Array(await readFile(model.source.file));
        const format = model.id === 'facenet-vggface2' ? 'pytorch-legacy' : 'pytorch-zip';
        expect(model.source).toEqual({ file: model.id === 'facenet-vggface2' ? vggface2 : casiaWebface, sha256: sha256(checkpoint), size: checkpoint.length, format });
        expect(model.entry.source).toEqual({ kind: 'local', file: `${model.id}.onnx`, sha256: sha256(onnx), size: onnx.length, convertedFrom: model.source });
        expect(model.entry.description).toContain(`sha256 ${model.source.sha256}, ${model.source.size} bytes`);
        expect(catalog.getEmbedder(model.id).dimension).toBe(512);
      }

      // A later process finds the entries again from the cache directory.
      const fresh = new ModelCatalog();
      const reloaded = await loadLocalModels({ cacheDir: modelsDir, catalog: fresh });
      expect(reloaded.map((e) => e.id).sort()).toEqual(['facenet-casia-webface', 'facenet-vggface2']);
      for (const model of imported) expect(reloaded.find((e) => e.id === model.id)?.source).toEqual(model.entry.source);

      // pv runs it like every other model: the catalog-driven ONNX embedder, raw pixels in.
      const face = await alignedFace('kate_siegel');
      const embedder = await OnnxEmbedder.create({ model: 'facenet-vggface2', models: { cacheDir: modelsDir, catalog: fresh } });
      const [viaEmbedder] = await embedder.embed([face]);
      await embedder.close();
      const session = await ort.InferenceSession.create((imported[0] as (typeof imported)[0]).onnxFile, { intraOpNumThreads: 1 });
      const direct = (await session.run({ input: new ort.Tensor('float32', toPixelBatch([face]), [1, 3, 160, 160]) })).embedding?.data as Float32Array;
      await session.release();
      expect(viaEmbedder).toHaveLength(512);
      let largest = 0;
      for (let i = 0; i < 512; i++) largest = Math.max(largest, Math.abs(((viaEmbedder as Float32Array)[i] as number) - (direct[i] as number)));
      expect(largest).toBeLessThan(1e-6);
    },
    SLOW,
  );

  it(
    'refuses swapped files, naming the classifier shape, and writes nothing',
    async () => {
      const modelsDir = path.join(work, 'swapped');
      await expect(importFacenet({ vggface2: casiaWebface, modelsDir, catalog: new ModelCatalog() })).rejects.toThrow(
        'The file 20180408-102900-casia-webface.pt (as 20180402-114759-vggface2.pt) does not match the expected layout: tensor logits.weight has shape [10575, 512], expected [8631, 512]',
      );
      await expect(readdir(modelsDir)).rejects.toThrow(/ENOENT/u);
    },
    SLOW,
  );

  it('refuses another network (MTCNN P-Net) naming the first missing key', async () => {
    await expect(importFacenet({ casiaWebface: path.join(FACENET_DATA_DIR, 'pnet.pt'), modelsDir: path.join(work, 'pnet'), catalog: new ModelCatalog() })).rejects.toThrow(
      expect.objectContaining({ code: 'E_MODEL_FORMAT', message: expect.stringContaining('missing tensor conv2d_1a.conv.weight (expected shape [32, 3, 3, 3])') }),
    );
  });

  it('says what is wrong with other inputs', async () => {
    const notCheckpoint = path.join(work, 'notes.txt');
    await writeFile(notCheckpoint, 'hello');
    await expect(importFacenet({ vggface2: notCheckpoint, modelsDir: work })).rejects.toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', reason: 'not-a-checkpoint' }));
    await expect(importFacenet({ vggface2: path.join(work, 'missing.pt'), modelsDir: work })).rejects.toThrow(expect.objectContaining({ code: 'E_NOT_FOUND' }));
    await expect(importFacenet({ modelsDir: work })).rejects.toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
