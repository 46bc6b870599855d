import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FaceRecognizer, MemoryStore } from '@pv/core';
import { createImageLoader, OnnxEmbedder } from '@pv/embedder-onnx-node';
import { importFacenet, inceptionResnetV1Layout } from '@pv/facenet';
import { cosine } from '@pv/metric-cosine';
import { ModelCatalog } from '@pv/models';
import { writeCheckpoint, type CheckpointEntry } from '@pv/torch-checkpoint/testing';
import { alignFace } from '@pv/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMtcnn } from './import-mtcnn.js';
import { MtcnnDetector } from './mtcnn-detector.js';
import { FACENET_DATA, SHARED_DATA, TEST_PEOPLE } from './testing/shared-data.fixture.js';

const SLOW = 600_000;

/** Deterministic values in [low, high) (a 32-bit xorshift seeded by `seed`). */
function uniform(count: number, seed: number, low: number, high: number): Float32Array {
  let state = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = low + (state / 4294967296) * (high - low);
  }
  return out;
}

/**
 * A stand-in for facenet-pytorch's `20180402-114759-vggface2.pt`: every tensor of the real layout (no
 * classifier), with He-uniform weights and plausible batch-norm statistics instead of trained values.
 */
function syntheticFacenetCheckpoint(): Uint8Array {
  const entries = inceptionResnetV1Layout()
    .filter((spec) => spec.optional !== true || spec.dtype === 'int64')
    .map((spec, index): CheckpointEntry => {
      const shape = spec.shape as readonly number[];
      const count = shape.reduce((a, b) => a * b, 1);
      if (spec.dtype === 'int64') return { key: spec.key, shape, data: new BigInt64Array([1n]) };
      if (shape.length >= 2) {
        const bound = Math.sqrt(6 / (count / (shape[0] as number)));
        return { key: spec.key, shape, data: uniform(count, index + 1, -bound, bound) };
      }
      if (spec.key.endsWith('running_var')) return { key: spec.key, shape, data: uniform(count, index + 1, 0.5, 1.5) };
      if (spec.key.endsWith('bn.weight') || spec.key === 'last_bn.weight') return { key: spec.key, shape, data: uniform(count, index + 1, 0.8, 1.2) };
      return { key: spec.key, shape, data: uniform(count, index + 1, -0.1, 0.1) };
    });
  return writeCheckpoint(entries, { format: 'legacy', layout: 'column-major' });
}

describe('MTCNN + Inception-ResNet-v1 through the FaceRecognizer facade (the plumbing real weights will use)', () => {
  let work: string;
  let recognizer: FaceRecognizer;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pv-mtcnn-facade-'));
    const checkpoint = path.join(work, '20180402-114759-vggface2.pt');
    await writeFile(checkpoint, syntheticFacenetCheckpoint());
    const catalog = new ModelCatalog();
    // The user's two imports: FaceNet (synthetic weights here) and MTCNN (the real facenet-pytorch weights).
    await importFacenet({ vggface2: checkpoint, modelsDir: work, catalog });
    await importMtcnn({ directory: FACENET_DATA, modelsDir: work, catalog });
    const models = { cacheDir: work, catalog };
    const detector = await MtcnnDetector.create({ models });
    const embedder = await OnnxEmbedder.create({ model: 'facenet-vggface2', models });
    recognizer = new FaceRecognizer({ detector, embedder, align: alignFace, metric: cosine, store: new MemoryStore(), images: createImageLoader() });
  }, SLOW);

  afterAll(async () => {
    await recognizer?.close();
    await rm(work, { recursive: true, force: true });
  });

  it(
    'enrols a folder of photos, then identifies, compares and verifies through MTCNN crops',
    async () => {
      expect(recognizer.encoder.info.detector).toBe('mtcnn');
      expect(recognizer.encoder.info.model).toMatchObject({ id: 'facenet-vggface2', dimension: 512, alignment: { kind: 'box-crop', width: 160, height: 160 } });

      const enrolled = await recognizer.generateEmbeddings({ directory: path.join(FACENET_DATA, 'test_images') }, { save: true });
      expect(enrolled.failures).toEqual([]);
      expect(enrolled.saved.map((r) => r.label)).toEqual([...TEST_PEOPLE]);
      for (const { embedding, detection } of enrolled.embeddings) {
        expect(embedding).toHaveLength(512);
        expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
        expect(detection?.score).toBeGreaterThan(0.99);
      }

      const photo = path.join(FACENET_DATA, 'test_images', 'kate_siegel', '1.jpg');
      const [identified] = await recognizer.identify(photo, { k: 2 });
      expect(identified?.candidates[0]).toMatchObject({ label: 'kate_siegel' });
      expect(identified?.candidates[0]?.distance).toBeCloseTo(0, 6);
      expect((await recognizer.verify(photo, 'kate_siegel')).match).toBe(true);
      expect(await recognizer.compare(photo, photo)).toMatchObject({ match: true });
    },
    SLOW,
  );
});

describe('MTCNN with another embedder (MobileFaceNet, aligned on MTCNN\'s five landmarks)', () => {
  it(
    'verifies LFW pairs: the same people match, different people do not',
    async () => {
      const work = await mkdtemp(path.join(tmpdir(), 'pv-mtcnn-mobilefacenet-'));
      const catalog = new ModelCatalog();
      await importMtcnn({ directory: FACENET_DATA, modelsDir: work, catalog });
      const recognizer = new FaceRecognizer({
        detector: await MtcnnDetector.create({ models: { cacheDir: work, catalog } }),
        embedder: await OnnxEmbedder.create({ model: 'mobilefacenet' }),
        align: alignFace,
        metric: cosine,
        images: createImageLoader(),
      });
      try {
        const photo = (name: string, index: number): string =>
          path.join(SHARED_DATA, 'lfw-fold1', 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
        const same = [
          [photo('Abel_Pacheco', 1), photo('Abel_Pacheco', 4)],
          [photo('Akhmed_Zakayev', 1), photo('Akhmed_Zakayev', 3)],
          [photo('Amber_Tamblyn', 1), photo('Amber_Tamblyn', 2)],
        ];
        const different = [
          [photo('Abel_Pacheco', 1), photo('Akhmed_Zakayev', 1)],
          [photo('Abel_Pacheco', 4), photo('Amber_Tamblyn', 2)],
          [photo('Akhmed_Zakayev', 3), photo('Amber_Tamblyn', 1)],
        ];
        const lines: string[] = [];
        for (const [pairs, expected] of [[same, true], [different, false]] as const) {
          for (const [a, b] of pairs) {
            const result = await recognizer.compare(a as string, b as string);
            lines.push(`${path.basename(a as string)} vs ${path.basename(b as string)}: cosine distance ${result.distance.toFixed(3)} (threshold ${result.threshold})`);
            expect(result.match).toBe(expected);
          }
        }
        console.info(lines.join('\n'));
      } finally {
        await recognizer.close();
        await rm(work, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
