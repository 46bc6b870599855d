// The reference workflow end to end: new Facenet({ pretrained: 'vggface2' }) → generateEmbeddings(dir) →
// compareEmbeddings, on CelebA photos. The weights come from a stand-in for GitHub on 127.0.0.1: the real MTCNN
// files, and a synthetic FaceNet checkpoint in the exact facenet-pytorch layout (the official one cannot be
// downloaded here). So detection is real; the embeddings' values only prove the wiring, not accuracy.
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FaceRecognizer } from '@pv/core';
import { createImageLoader, OnnxEmbedder } from '@pv/embedder-onnx-node';
import { syntheticInceptionResnetV1Entries } from '@pv/facenet/testing';
import { l2 } from '@pv/metric-l2';
import { startFakeGithub, type FakeGithub } from '@pv/model-fetch/testing';
import { findRemoteWeights, ModelCatalog } from '@pv/models';
import { MtcnnDetector } from '@pv/mtcnn';
import { FileStore } from '@pv/store-file';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import { alignFace } from '@pv/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Facenet } from './facenet.js';
import { referenceLabel } from './reference-labels.js';

const SLOW = 300_000;
const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const CELEBA = path.join(SHARED, 'celeba-sample');
// One photo each of three CelebA identities, named as the reference expects (labels from file names).
const PEOPLE = { alice: '7206/182757.jpg', bob: '7213/183431.jpg', carol: '7216' } as const;

describe('Facenet (the reference class on pv)', () => {
  let server: FakeGithub;
  let work: string;
  let people: string;
  let cacheDir: string;
  let facenet: Facenet;
  let carolPhoto: string;

  beforeAll(async () => {
    server = await startFakeGithub();
    for (const file of findRemoteWeights('mtcnn')?.files ?? []) server.set(file.path, await readFile(path.join(SHARED, 'facenet-pytorch', file.name)));
    server.set(
      findRemoteWeights('facenet-vggface2')?.files[0]?.path as string,
      writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 4, logitsClasses: 8631 }), { format: 'legacy', layout: 'column-major' }),
    );
    work = await mkdtemp(path.join(tmpdir(), 'pv-facenet-compat-'));
    cacheDir = path.join(work, 'models');
    people = path.join(work, 'people');
    await mkdir(people);
    // Links, never copies, of the shared photos.
    await symlink(path.join(CELEBA, PEOPLE.alice), path.join(people, 'alice.jpg'));
    await symlink(path.join(CELEBA, PEOPLE.bob), path.join(people, 'bob.jpg'));
    carolPhoto = path.join(CELEBA, PEOPLE.carol, '183310.jpg');
    await symlink(carolPhoto, path.join(people, 'carol.1.jpg'));
    await writeFile(path.join(people, 'broken.jpg'), 'not a photo');
    facenet = new Facenet({ pretrained: 'vggface2', saveLoc: path.join(work, 'save'), saveName: 'det.pkl', fetch: { cacheDir, catalog: new ModelCatalog(), mirror: server.baseUrl, env: {} } });
  }, SLOW);

  afterAll(async () => {
    await facenet?.close();
    await server?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it(
    'generateEmbeddings(dir): fetches FaceNet and MTCNN on first use, labels from file names, saves a pv store',
    async () => {
      const embeddings = await facenet.generateEmbeddings(people);
      expect(embeddings.map((e) => e.label).sort()).toEqual(['alice', 'bob', 'carol']);
      for (const { embedding } of embeddings) {
        expect(embedding).toHaveLength(512);
        expect(Math.hypot(...embedding)).toBeCloseTo(1, 4);
      }
      expect(facenet.lastFailures).toEqual([expect.objectContaining({ file: path.join(people, 'broken.jpg'), code: 'E_BAD_IMAGE' })]);
      // Both downloads went to the stand-in for GitHub: the FaceNet checkpoint and MTCNN's three files.
      expect(server.requests.map((r) => path.basename(r.path)).sort()).toEqual(['20180402-114759-vggface2.pt', 'onet.pt', 'pnet.pt', 'rnet.pt']);

      // What it saved is a pv file store, bound to the model, that pv's stores open.
      const store = await FileStore.open(path.join(work, 'save', 'det.pkl'), { readOnly: true });
      try {
        expect(await store.info()).toMatchObject({ modelId: 'facenet-vggface2', dimension: 512, count: 3 });
      } finally {
        await store.close();
      }
    },
    SLOW,
  );

  it(
    'compareEmbeddings: [didMatch, predicted, distance] against the saved file or a list',
    async () => {
      const alice = path.join(people, 'alice.jpg');
      const [didMatch, predicted, distance] = await facenet.compareEmbeddings(alice, 'alice');
      expect([didMatch, predicted]).toEqual([true, 'alice']);
      expect(distance).toBeLessThan(1e-4); // the same photo, the same pipeline
      expect(await facenet.compareEmbeddings(alice, 'bob')).toEqual([false, 'alice', distance]);

      const list = await facenet.generateEmbeddings(people, undefined, path.join(work, 'other', 'list.pkl'));
      expect(await facenet.compareEmbeddings(alice, 'alice', list)).toEqual([true, 'alice', expect.closeTo(distance, 6)]);
      expect(await facenet.compareEmbeddings(alice, 'alice', path.join(work, 'other', 'list.pkl'))).toEqual([true, 'alice', expect.closeTo(distance, 6)]);

      // Another photo of carol: whatever the synthetic weights make of it, the answer follows the reference's rule.
      const [match, label, d] = await facenet.compareEmbeddings(path.join(CELEBA, PEOPLE.carol, '184149.jpg'), 'carol', list);
      expect(d).toBeGreaterThan(1e-3);
      if (d <= 0.5) expect(['alice', 'bob', 'carol']).toContain(label);
      else expect(label).toBe(d <= 0.8 ? null : 'Unknown');
      expect(match).toBe(label === 'carol');
    },
    SLOW,
  );

  it(
    'generateEmbeddings(image, label, save) for one photo; pv identifies from the saved file with the fetched MTCNN',
    async () => {
      const saved = path.join(work, 'single', 'carol.pkl');
      const [one] = await facenet.generateEmbeddings(carolPhoto, 'Carol Example', saved);
      expect(one?.label).toBe('Carol Example');
      await expect(facenet.generateEmbeddings(carolPhoto)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await expect(facenet.generateEmbeddings(path.join(people, 'broken.jpg'), 'x')).rejects.toMatchObject({ code: 'E_BAD_IMAGE' });

      // pv's own API on the same cache and the saved file: MTCNN (fetched) → FaceNet → FileStore → identify.
      const models = { cacheDir, catalog: new ModelCatalog() };
      const detector = await MtcnnDetector.create({ models });
      const embedder = await OnnxEmbedder.create({ model: 'facenet-vggface2', models });
      const store = await FileStore.open(path.join(work, 'save', 'det.pkl'));
      const recognizer = new FaceRecognizer({ detector, embedder, align: alignFace, metric: l2, store, images: createImageLoader() });
      try {
        const [face] = await recognizer.identify(path.join(people, 'bob.jpg'));
        expect(face?.prediction).toBe('bob');
        expect(face?.candidates[0]?.distance).toBeLessThan(1e-4);
      } finally {
        await recognizer.close();
      }
    },
    SLOW,
  );

  it('keeps the reference defaults and refuses what it does not support', () => {
    const plain = new Facenet();
    expect([plain.pretrained, plain.faceConf, plain.saveLoc, plain.saveName]).toEqual(['casia-webface', 0.7, undefined, 'embeddings.pkl']);
    expect(new Facenet({ saveLoc: 'save' }).savePath).toBe(path.join('save', 'embeddings.pkl'));
    expect(() => new Facenet({ pretrained: 'imagenet' as 'vggface2' })).toThrow(/casia-webface/u);
    expect(() => new Facenet({ device: 'cuda' as 'cpu' })).toThrow(/CPU/u);
    expect(() => new Facenet({ faceConf: 2 })).toThrow(/probability/u);
  });

  it('reads labels as the reference does: the file name up to its first dot', () => {
    expect(['alice.jpg', 'alice_2.jpg', 'Barack.Obama.jpeg', 'dir/bob.png', 'noext'].map(referenceLabel)).toEqual(['alice', 'alice_2', 'Barack', 'bob', 'noext']);
  });
});
