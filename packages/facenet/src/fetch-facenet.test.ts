import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLocalModels, readTrustRecords } from '@pv/model-fetch';
import { startFakeGithub, type FakeGithub } from '@pv/model-fetch/testing';
import { findRemoteWeights, ModelCatalog } from '@pv/models';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFacenetModel, fetchFacenet } from './fetch-facenet.js';
import { syntheticInceptionResnetV1Entries } from './inception-resnet-v1/synthetic-weights.fixture.js';

const SLOW = 240_000;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const pathOf = (id: string): string => findRemoteWeights(id)?.files[0]?.path as string;

describe('fetchFacenet', () => {
  let server: FakeGithub;
  let cacheDir: string;
  let vggface2: Uint8Array;
  let casiaWebface: Uint8Array;

  beforeAll(async () => {
    // Stand-ins for the release assets: the exact layout of each variant, synthetic values, both torch.save formats.
    vggface2 = writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 1, logitsClasses: 8631 }), { format: 'legacy', layout: 'column-major' });
    casiaWebface = writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 2, logitsClasses: 10575 }), { format: 'zip' });
    server = await startFakeGithub();
    server.set(pathOf('facenet-vggface2'), vggface2);
    server.set(pathOf('facenet-casia-webface'), casiaWebface);
    cacheDir = await mkdtemp(path.join(tmpdir(), 'pv-fetch-facenet-'));
  }, SLOW);

  afterAll(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it(
    'downloads both variants, converts and registers them as importFacenet does, recording the URL and the first download\'s hash',
    async () => {
      const catalog = new ModelCatalog();
      const options = { cacheDir, catalog, mirror: server.baseUrl, env: {} };
      for (const [name, bytes, format] of [
        ['vggface2', vggface2, 'pytorch-legacy'],
        ['casia-webface', casiaWebface, 'pytorch-zip'],
      ] as const) {
        const { imported, download } = await fetchFacenet(name, options);
        expect(download).toMatchObject({ trust: 'first-use', sha256: sha256(bytes), size: bytes.length });
        expect(imported.source).toEqual({ file: download.path, sha256: sha256(bytes), size: bytes.length, format, url: download.url });
        expect(imported.entry).toMatchObject({ id: `facenet-${name}`, detector: 'mtcnn', thresholdStatus: 'provisional', source: { convertedFrom: imported.source } });
        expect(imported.entry.description).toContain(download.url);
        expect((await readTrustRecords(cacheDir))[pathOf(`facenet-${name}`)]?.sha256).toBe(sha256(bytes));
      }
      // A later process finds both, and ensureFacenetModel then makes no request.
      const requests = server.requests.length;
      const fresh = new ModelCatalog();
      expect((await loadLocalModels({ cacheDir, catalog: fresh })).map((e) => e.id).sort()).toEqual(['facenet-casia-webface', 'facenet-vggface2']);
      expect((await ensureFacenetModel('vggface2', { ...options, catalog: fresh })).id).toBe('facenet-vggface2');
      expect(server.requests).toHaveLength(requests);
    },
    SLOW,
  );

  it(
    'refuses a file whose keys or shapes are not the variant\'s: nothing kept, nothing trusted',
    async () => {
      const otherCache = await mkdtemp(path.join(tmpdir(), 'pv-fetch-facenet-swapped-'));
      const swapped = await startFakeGithub();
      swapped.set(pathOf('facenet-vggface2'), casiaWebface);
      try {
        await expect(fetchFacenet('vggface2', { cacheDir: otherCache, catalog: new ModelCatalog(), mirror: swapped.baseUrl, env: {} })).rejects.toMatchObject({
          code: 'E_MODEL_FORMAT',
          message: expect.stringContaining('tensor logits.weight has shape [10575, 512], expected [8631, 512]'),
        });
        expect(await readTrustRecords(otherCache)).toEqual({});
        expect(await readdir(path.join(otherCache, 'downloads', 'facenet-vggface2'))).toEqual([]);
        expect(await readdir(otherCache)).toEqual(['downloads']);
      } finally {
        await swapped.close();
        await rm(otherCache, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
