import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createImageLoader } from '@pv/embedder-onnx-node';
import { readTrustRecords } from '@pv/model-fetch';
import { startFakeGithub, type FakeGithub } from '@pv/model-fetch/testing';
import { findRemoteWeights, ModelCatalog } from '@pv/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMtcnnModels, fetchMtcnn } from './fetch-mtcnn.js';
import { MtcnnDetector } from './mtcnn-detector.js';
import { FACENET_DATA, TEST_PEOPLE } from './testing/shared-data.fixture.js';

describe('fetchMtcnn', () => {
  let server: FakeGithub;
  let cacheDir: string;
  const weights = findRemoteWeights('mtcnn');

  beforeAll(async () => {
    server = await startFakeGithub();
    for (const file of weights?.files ?? []) server.set(file.path, await readFile(path.join(FACENET_DATA, file.name)));
    cacheDir = await mkdtemp(path.join(tmpdir(), 'pv-fetch-mtcnn-'));
  });

  afterAll(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('downloads the real weights from the stand-in for GitHub, converts them as importMtcnn does, and the detector finds faces', async () => {
    const catalog = new ModelCatalog();
    const { imported, downloads } = await fetchMtcnn({ cacheDir, catalog, mirror: server.baseUrl, env: {} });
    expect(downloads.map((d) => d.trust)).toEqual(['pinned', 'pinned', 'pinned']);
    expect(imported.map((m) => m.id)).toEqual(['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet']);
    for (const [i, model] of imported.entries()) {
      const download = downloads[i];
      expect(model.source).toEqual({ file: download?.path, sha256: download?.sha256, size: download?.size, format: 'pytorch-legacy', url: download?.url });
      expect(model.entry.source).toMatchObject({ kind: 'local', convertedFrom: model.source });
      expect(model.entry.description).toContain(download?.url);
    }
    // Pinned files need no trust record.
    expect(await readTrustRecords(cacheDir)).toEqual({});

    const detector = await MtcnnDetector.create({ models: { cacheDir, catalog: new ModelCatalog() } });
    try {
      const images = createImageLoader();
      for (const person of TEST_PEOPLE) {
        const faces = await detector.detect(await images.load(path.join(FACENET_DATA, 'test_images', person, '1.jpg')));
        expect(faces.length, person).toBeGreaterThan(0);
        expect(faces[0]?.score).toBeGreaterThan(0.9);
      }
    } finally {
      await detector.close();
    }
  });

  it('ensureMtcnnModels makes no request when the networks are imported and intact', async () => {
    const before = server.requests.length;
    await ensureMtcnnModels({ cacheDir, catalog: new ModelCatalog(), mirror: server.baseUrl, env: {} });
    expect(server.requests).toHaveLength(before);
  });
});
