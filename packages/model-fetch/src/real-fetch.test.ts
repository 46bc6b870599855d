// Fetches the real faceplugin package from the configured npm registry, once for the whole file.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listModels } from '@pv/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreachableRegistryUrl } from './fake-registry.fixture.js';
import { ensureModelFile, prefetchDefaultModels, type FetchedModel, type ModelFetchProgress } from './index.js';

let cacheDir: string;
let fetched: FetchedModel[];
const progress: ModelFetchProgress[] = [];

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'pv-models-real-'));
  fetched = await prefetchDefaultModels({ cacheDir, onProgress: (p) => progress.push(p) });
}, 300_000);

afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function offline(): Promise<{ registry: string; authTokens: Map<string, string> }> {
  return { registry: await unreachableRegistryUrl(), authTokens: new Map() };
}

describe('fetching the built-in models from the npm registry', () => {
  it('puts every catalog file in the cache with the catalog size and SHA-256', async () => {
    expect(fetched.map((f) => f.id)).toEqual(['rfb320', 'landmarks68', 'mobilefacenet']);
    for (const { id, path } of fetched) {
      const entry = listModels().find((m) => m.id === id)!;
      const bytes = await readFile(path);
      expect(path.startsWith(cacheDir)).toBe(true);
      expect(bytes.length).toBe(entry.source.size);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(entry.source.sha256);
    }
  });

  it('downloaded the shared tarball once and reported its progress up to its full length', () => {
    expect(new Set(progress.map((p) => p.id))).toEqual(new Set(['rfb320']));
    const last = progress.at(-1)!;
    expect(last.totalBytes).not.toBeNull();
    expect(last.receivedBytes).toBe(last.totalBytes);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.receivedBytes).toBeGreaterThan(progress[i - 1]!.receivedBytes);
    }
  });

  it('leaves no temporary files behind', async () => {
    const names = await readdir(cacheDir, { recursive: true });
    expect(names.filter((n) => n.endsWith('.part'))).toEqual([]);
  });

  it('serves cached files without any request (the registry is an unreachable port)', async () => {
    const registry = await offline();
    for (const { id, path } of fetched) expect(await ensureModelFile(id, { cacheDir, registry })).toBe(path);
  });

  it('detects a corrupted cached file, deletes it and (offline) reports the model unavailable', async () => {
    const path = fetched.find((f) => f.id === 'landmarks68')!.path;
    const bytes = await readFile(path);
    bytes[1000] = (bytes[1000]! + 1) % 256;
    await writeFile(path, bytes);
    await expect(ensureModelFile('landmarks68', { cacheDir, registry: await offline() })).rejects.toMatchObject({
      code: 'E_MODEL_UNAVAILABLE',
    });
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

});
