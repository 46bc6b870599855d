import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from '@pv/store-file';
import { HnswStore } from '@pv/store-hnsw';
import { SqliteStore } from '@pv/store-sqlite';
import { isPvError, MemoryStore, type Store } from '@pv/core';
import { openStore, stores } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-stores-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function roundTrip(uri: string, kind: { readonly prototype: Store }): Promise<void> {
  const store = await openStore(uri, { metric: 'cosine', modelId: 'm', dimension: 2 });
  expect(store).toBeInstanceOf(kind);
  await store.add([{ label: 'alice', vector: new Float32Array([1, 0]), modelId: 'm' }]);
  await store.close();
  const again = await openStore(uri, { metric: 'cosine' });
  expect(await again.count()).toBe(1);
  expect((await again.info()).modelId).toBe('m');
  await again.close();
}

describe('openStore', () => {
  it('opens every built-in kind by scheme, and bare paths by their ending', async () => {
    await roundTrip(`file:${path.join(dir, 'a.pv')}`, FileStore);
    await roundTrip(path.join(dir, 'b.pv'), FileStore);
    await roundTrip(`sqlite:${path.join(dir, 'c.db')}`, SqliteStore);
    await roundTrip(path.join(dir, 'd.sqlite'), SqliteStore);
    await roundTrip(`hnsw:${path.join(dir, 'e')}`, HnswStore);
    const memory = await openStore('memory:', { modelId: 'm', dimension: 2 });
    expect(memory).toBeInstanceOf(MemoryStore);
    expect((await memory.info()).modelId).toBe('m');
  });

  it('binds a new store to the model and refuses another model', async () => {
    const uri = `sqlite:${path.join(dir, 'bound.db')}`;
    await (await openStore(uri, { modelId: 'm', dimension: 2 })).close();
    const error = await openStore(uri, { modelId: 'other', dimension: 2 }).catch((e: unknown) => e);
    expect(isPvError(error, 'E_MODEL_MISMATCH')).toBe(true);
  });

  it('refuses empty paths and endings nobody claims', async () => {
    for (const uri of ['file:', 'sqlite:', 'hnsw:', path.join(dir, 'faces.txt')]) {
      const error = await openStore(uri).catch((e: unknown) => e);
      expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('refuses unknown kinds with the list of known ones, and an HNSW store of an unknown metric', async () => {
    const error = await openStore('redis://localhost').catch((e: unknown) => e);
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('hnsw:DIR');
    expect(stores.usages()).toEqual(['file:PATH', 'sqlite:PATH', 'hnsw:DIR', 'postgres://USER:PASS@HOST/DB[?table=NAME]', 'memory:']);
    const metric = await openStore(`hnsw:${path.join(dir, 'x')}`, { metric: 'manhattan' }).catch((e: unknown) => e);
    expect(isPvError(metric, 'E_INVALID_ARGUMENT')).toBe(true);
  });
});

describe('encryption through the registry', () => {
  const keyA = { key: new Uint8Array(randomBytes(32)) };
  const keyB = { key: new Uint8Array(randomBytes(32)) };

  it('opens file, sqlite and hnsw stores encrypted, and rekeys each by its URI', async () => {
    for (const uri of [`file:${path.join(dir, 'enc.pv')}`, `sqlite:${path.join(dir, 'enc.db')}`, `hnsw:${path.join(dir, 'enc-index')}`]) {
      const store = await openStore(uri, { metric: 'cosine', modelId: 'm', dimension: 2, encryption: keyA });
      await store.add([{ label: 'alice-secret', vector: new Float32Array([1, 0]), modelId: 'm' }]);
      await store.close();
      expect(isPvError(await openStore(uri, { metric: 'cosine' }).catch((e: unknown) => e), 'E_STORE_KEY')).toBe(true);
      await stores.rekey(uri, keyA, keyB);
      expect(isPvError(await openStore(uri, { metric: 'cosine', encryption: keyA }).catch((e: unknown) => e), 'E_STORE_KEY')).toBe(true);
      const again = await openStore(uri, { metric: 'cosine', encryption: keyB });
      expect((await again.labels()).map((l) => l.label)).toEqual(['alice-secret']);
      await again.close();
    }
  });

  it('refuses to rekey a kind of store pv does not encrypt, and a key for PostgreSQL', async () => {
    expect(isPvError(await stores.rekey('memory:', undefined, keyA).catch((e: unknown) => e), 'E_INVALID_ARGUMENT')).toBe(true);
    const pg = await openStore('postgres://pv@localhost:1/pv', { encryption: keyA }).catch((e: unknown) => e);
    expect(isPvError(pg, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((pg as Error).message).toContain('does not encrypt');
  });
});
