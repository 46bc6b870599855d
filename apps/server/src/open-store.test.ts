import path from 'node:path';
import { MemoryStore } from '@pv/core';
import { FileStore } from '@pv/store-file';
import { SqliteStore } from '@pv/store-sqlite';
import { afterEach, expect, test } from 'vitest';
import { openConfiguredStore } from './open-store.js';
import { tempDir } from './test-support.fixture.js';

const binding = { modelId: 'mobilefacenet', dimension: 4 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dir(): Promise<string> {
  const made = await tempDir();
  cleanups.push(made.remove);
  return made.dir;
}

test.each([
  ['memory:', MemoryStore],
  ['file:faces.pv', FileStore],
  ['faces.pv', FileStore],
  ['sqlite:faces.db', SqliteStore],
  ['faces.sqlite3', SqliteStore],
])('%s opens a %O bound to the served model', async (uri, kind) => {
  const folder = await dir();
  const store = await openConfiguredStore(uri.replace(/faces\./, `${folder}${path.sep}faces.`), binding);
  cleanups.push(() => store.close());
  expect(store).toBeInstanceOf(kind);
  expect(await store.info()).toMatchObject({ modelId: 'mobilefacenet', dimension: 4 });
});

test('a store holding another model is refused', async () => {
  const file = path.join(await dir(), 'faces.pv');
  const other = await FileStore.open(file);
  await other.add([{ label: 'a', vector: new Float32Array([1, 0, 0, 0]), modelId: 'facenet-vggface2' }]);
  await other.close();
  await expect(openConfiguredStore(`file:${file}`, binding)).rejects.toMatchObject({ code: 'E_MODEL_MISMATCH' });
});

test('unknown schemes and empty paths are refused', async () => {
  for (const uri of ['hnsw:/tmp/x', 'postgres://db/x', 'file:', 'faces.txt']) {
    await expect(openConfiguredStore(uri, binding)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  }
});
