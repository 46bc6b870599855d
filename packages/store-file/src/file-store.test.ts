import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EmbeddingRecord } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { describeStore, expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './index.js';
import { batchRecord, leftoverTempFiles, temporaryDirectory, TEST_MODEL } from './test-support.fixture.js';

describeStore(
  'FileStore',
  async () => {
    const { dir, remove } = await temporaryDirectory();
    return { open: (options) => FileStore.open(path.join(dir, 'faces.pvstore'), options), cleanup: remove };
  },
  { reopenable: true, anyMetric: true },
);

describe('FileStore files', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let file: string;
  const opened: FileStore[] = [];
  const open = async (...args: Parameters<typeof FileStore.open>): Promise<FileStore> => {
    const store = await FileStore.open(...args);
    opened.push(store);
    return store;
  };

  beforeEach(async () => {
    ({ dir, remove } = await temporaryDirectory());
    file = path.join(dir, 'faces.pvstore');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await remove();
  });

  it('creates the file on the first write, owner-only, and nothing else remains beside it', async () => {
    const store = await open(file, { modelId: TEST_MODEL, dimension: 4 });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.add([batchRecord(0, 0, 4)]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await leftoverTempFiles(file)).toEqual([]);
    await store.close();
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the permission bits of an existing file', async () => {
    const first = await open(file);
    await first.add([batchRecord(0, 0, 4)]);
    await first.close();
    await chmod(file, 0o640);
    const second = await open(file);
    await second.add([batchRecord(0, 1, 4)]);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('makes every mutation durable before its promise resolves (a reader opened right after sees it)', async () => {
    const writer = await open(file);
    await writer.add([batchRecord(0, 0, 4), batchRecord(0, 1, 4), batchRecord(1, 0, 4)]);
    const seen = async (): Promise<string[]> => {
      const reader = await FileStore.open(file, { readOnly: true });
      const ids: string[] = [];
      for await (const r of reader.records()) ids.push(r.id);
      await reader.close();
      return ids;
    };
    expect(await seen()).toEqual(['b0-0', 'b0-1', 'b1-0']);
    await writer.delete('b0-1');
    expect(await seen()).toEqual(['b0-0', 'b1-0']);
    await writer.deleteLabel('batch-0');
    expect(await seen()).toEqual(['b1-0']);
  });

  it('does not rewrite the file when nothing changes', async () => {
    const store = await open(file);
    await store.add([batchRecord(0, 0, 4)]);
    const before = await stat(file);
    expect(await store.add([])).toEqual([]);
    expect(await store.delete('nope')).toBe(false);
    expect(await store.deleteLabel('nobody')).toBe(0);
    expect((await stat(file)).ino).toBe(before.ino);
  });

  it('serialises concurrent mutations on one handle', async () => {
    const store = await open(file);
    const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 5 }, (_, i) => batchRecord(b, i, 8)));
    await Promise.all([...batches.map((batch) => store.add(batch)), store.deleteLabel('batch-2')]);
    const expected = batches.filter((_, b) => b !== 2).flat().map((r) => r.id);
    const reader = await open(file, { readOnly: true });
    const ids: string[] = [];
    for await (const r of reader.records()) ids.push(r.id);
    expect(ids).toEqual(expected);
  });

  it('keeps its state when a write fails, and writes again once it can', async () => {
    const store = await open(file);
    await store.add([batchRecord(0, 0, 4)]);
    const moved = `${dir}-moved`;
    await rename(dir, moved);
    try {
      await expect(store.add([batchRecord(1, 0, 4)])).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(store.delete('b0-0')).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rename(moved, dir);
    }
    expect(await store.count()).toBe(1);
    expect(await store.get('b1-0')).toBeUndefined();
    expect(await store.get('b0-0')).toBeDefined();
    await store.add([batchRecord(1, 0, 4)]);
    await store.close();
    const reopened = await open(file, { readOnly: true });
    expect(await reopened.count()).toBe(2);
  });

  it('refuses strings UTF-8 cannot carry unchanged, writing nothing', async () => {
    const store = await open(file);
    const bad = [{ id: 'x\uD800' }, { label: '\uDC00y' }, { source: { file: 'a\uD83D.jpg' } }];
    for (const fields of bad) {
      await expectPvError(store.add([batchRecord(0, 0, 4), { ...batchRecord(0, 1, 4), ...fields }]), 'E_INVALID_ARGUMENT');
    }
    expect(await store.count()).toBe(0);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const [stored] = (await store.add([{ ...batchRecord(0, 0, 4), label: 'pair \uD83D\uDE00' }])) as [EmbeddingRecord];
    expect(stored.label).toBe('pair \u{1F600}');
  });

  describe('read-only', () => {
    it('needs the file to exist', async () => {
      const error = await expectPvError(FileStore.open(file, { readOnly: true }), 'E_NOT_FOUND');
      expect(error.message).toContain(file);
    });

    it('refuses mutations and takes no lock', async () => {
      const writer = await open(file);
      await writer.add([batchRecord(0, 0, 4)]);
      const reader = await open(file, { readOnly: true });
      expect(reader.readOnly).toBe(true);
      await expectPvError(reader.add([batchRecord(1, 0, 4)]), 'E_INVALID_ARGUMENT');
      await expectPvError(reader.delete('b0-0'), 'E_INVALID_ARGUMENT');
      await expectPvError(reader.deleteLabel('batch-0'), 'E_INVALID_ARGUMENT');
      await reader.close();
      expect(JSON.parse(await readFile(`${file}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    });

    it('sees the version that was complete when it opened', async () => {
      const writer = await open(file);
      await writer.add([batchRecord(0, 0, 4)]);
      const reader = await open(file, { readOnly: true });
      await writer.add([batchRecord(1, 0, 4)]);
      expect(await reader.count()).toBe(1);
      const hits = await reader.search(batchRecord(0, 0, 4).vector, { k: 5, metric: l2 });
      expect(hits.map((h) => h.record.id)).toEqual(['b0-0']);
    });
  });

  describe('options', () => {
    it('refuses options that contradict the file binding', async () => {
      const writer = await open(file);
      await writer.add([batchRecord(0, 0, 4)]);
      await writer.close();
      await expectPvError(FileStore.open(file, { modelId: 'other' }), 'E_MODEL_MISMATCH');
      await expectPvError(FileStore.open(file, { dimension: 5, readOnly: true }), 'E_DIM_MISMATCH');
      const same = await open(file, { modelId: TEST_MODEL, dimension: 4 });
      expect(await same.info()).toEqual({ modelId: TEST_MODEL, dimension: 4, count: 1 });
    });

    it('refuses invalid options', async () => {
      await expectPvError(FileStore.open(file, { modelId: '' }), 'E_INVALID_ARGUMENT');
      await expectPvError(FileStore.open(file, { dimension: 1.5 }), 'E_INVALID_ARGUMENT');
      await expectPvError(FileStore.open(file, { dimension: -1 }), 'E_INVALID_ARGUMENT');
      await expectPvError(FileStore.open(file, { dimension: 0 }), 'E_INVALID_ARGUMENT');
    });

    it('reports a missing directory as E_NOT_FOUND', async () => {
      const error = await expectPvError(FileStore.open(path.join(dir, 'no', 'such', 'faces.pvstore')), 'E_NOT_FOUND');
      expect(error.message).toContain(path.join(dir, 'no', 'such', 'faces.pvstore'));
    });
  });

  it('removes temporary files left by a dead writer, and only those', async () => {
    const dead = path.join(dir, '.faces.pvstore.12345-0b0e8b5e-8f7a-4a57-9a8e-3f1d2c4b5a69.tmp');
    const others = [
      path.join(dir, '.faces.pvstore.b.12345-0b0e8b5e-8f7a-4a57-9a8e-3f1d2c4b5a69.tmp'),
      path.join(dir, '.other.pvstore.12345-0b0e8b5e-8f7a-4a57-9a8e-3f1d2c4b5a69.tmp'),
      path.join(dir, 'notes.txt'),
    ];
    for (const f of [dead, ...others]) await writeFile(f, 'x');
    await open(file, { readOnly: true }).catch(() => undefined);
    await expect(stat(dead)).resolves.toBeDefined();
    await open(file);
    await expect(stat(dead)).rejects.toMatchObject({ code: 'ENOENT' });
    for (const f of others) await expect(stat(f)).resolves.toBeDefined();
  });
});
