// The server with PV_MODEL=mobilefacenet-int8 (made by pv models quantize's library function in a models cache
// of its own): its workers embed with the int8 model, and what it enrolls agrees with the float model.
import { readdirSync } from 'node:fs';
import { symlink } from 'node:fs/promises';
import path from 'node:path';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import { modelsCacheDir, prefetchDefaultModels } from '@pv/model-fetch';
import { quantizeCatalogModel } from '@pv/quantize/node';
import type { FaceRecognizer } from '@pv/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadServerConfig } from './config.js';
import { AUTH, celebaImage, fetchJson, imageForm, lfwImage, postJson, sharedData, startTestServer, tempDir, type TestServer } from './test-support.fixture.js';

const SLOW = 1_800_000;
const alice1 = celebaImage('7206', '182757');
const alice2 = celebaImage('7206', '183064');
const bob1 = celebaImage('7268', '183545');
const carol = lfwImage('Abel_Pacheco', 1);
/**
 * Calibration photos: 30 LFW people the test does not enroll or identify (with 8 photos, one CelebA face came
 * out at cosine 0.9891 to float: below the bound; 30 is what @pv/quantize's own held-out test uses).
 */
const lfwPeople = path.join(sharedData, 'lfw-fold1', 'images');
const calibration = readdirSync(lfwPeople)
  .sort()
  .slice(150, 180)
  .map((n) => path.join(lfwPeople, n, readdirSync(path.join(lfwPeople, n)).sort()[0] as string));

let server: TestServer;
let float: FaceRecognizer;
let removeDir: () => Promise<void>;

beforeAll(async () => {
  await prefetchDefaultModels();
  const { dir, remove } = await tempDir();
  removeDir = remove;
  for (const id of ['rfb320', 'landmarks68', 'mobilefacenet']) await symlink(path.join(modelsCacheDir(), id), path.join(dir, id));
  await quantizeCatalogModel('mobilefacenet', { photos: calibration, origin: 'LFW fold 1 (server test)', modelsDir: dir });
  // The model is chosen the way an operator chooses it: PV_MODEL (and PV_MODELS_DIR for the cache).
  const config = await loadServerConfig({ PV_MODEL: 'mobilefacenet-int8', PV_MODELS_DIR: dir });
  server = await startTestServer({ model: config.model, modelsDir: config.modelsDir });
  float = await createFaceRecognizer();
}, SLOW);

afterAll(async () => {
  await server?.server.close();
  await float?.close();
  await removeDir?.();
});

describe('server with PV_MODEL=mobilefacenet-int8', () => {
  test('serves the int8 model: enrolled faces are within cosine 0.99 of the float embeddings, identify finds the person', async () => {
    const info = await fetchJson<{ model: { id: string; dimension: number } }>(`${server.url}/v1/info`, { headers: AUTH });
    expect(info.body.model).toEqual({ id: 'mobilefacenet-int8', dimension: 512 });
    for (const [label, photo] of [['alice', alice1], ['bob', bob1]] as const) {
      const enrolled = await fetchJson<Record<string, any>>(`${server.url}/v1/subjects/${label}/faces`, { method: 'POST', body: await imageForm({ image: photo }), headers: AUTH });
      expect(enrolled.status).toBe(201);
    }
    // The float embedding of each enrolled photo, sent in private mode under the served model's id (on purpose: the
    // server only takes embeddings of its own model): its cosine distance to the int8 one the server stored.
    for (const [label, photo] of [['alice', alice1], ['bob', bob1]] as const) {
      const [face] = await float.embedFaces(photo);
      const identified = await postJson<{ metric: string; faces: { prediction: string; candidates: { label: string; distance: number }[] }[] }>(
        `${server.url}/v1/identify?k=1`,
        { modelId: 'mobilefacenet-int8', faces: [{ embedding: Array.from(face?.embedding ?? []) }] },
        AUTH,
      );
      expect(identified.status).toBe(200);
      expect(identified.body.metric).toBe('cosine');
      expect(identified.body.faces[0]?.prediction).toBe(label);
      expect(identified.body.faces[0]?.candidates[0]?.distance).toBeLessThanOrEqual(0.01); // cosine ≥ 0.99
    }
    const identified = await fetchJson<Record<string, any>>(`${server.url}/v1/identify`, { method: 'POST', body: await imageForm({ image: alice2 }), headers: AUTH });
    expect(identified.status).toBe(200);
    expect(identified.body.faces[0].prediction).toBe('alice');
    const stranger = await fetchJson<Record<string, any>>(`${server.url}/v1/identify`, { method: 'POST', body: await imageForm({ image: carol }), headers: AUTH });
    expect(stranger.body.faces[0].prediction).toBe('unknown');
  }, SLOW);
});
