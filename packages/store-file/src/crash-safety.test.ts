import { watch } from 'node:fs';
import path from 'node:path';
import { isPvError, type EmbeddingRecord } from '@pv/core';
import type { TsChild } from '@pv/testkit/process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore } from './index.js';
import { batchRecord, leftoverTempFiles, startChildWriter, temporaryDirectory } from './test-support.fixture.js';

const BATCH_SIZE = 2000;
const DIMENSION = 512;

/** Asserts that `records` are exactly the first `batches` batches the child writer adds, in order. */
function expectWholeBatches(records: readonly EmbeddingRecord[], batchSize: number, dimension: number): number {
  expect(records.length % batchSize, 'no partial batch').toBe(0);
  const batches = records.length / batchSize;
  records.forEach((r, n) => {
    const expected = batchRecord(Math.floor(n / batchSize), n % batchSize, dimension);
    expect(r.id).toBe(expected.id);
    expect(r.label).toBe(expected.label);
    expect(r.createdAt).toBe(expected.createdAt);
    expect(Buffer.from(r.vector.buffer).equals(Buffer.from(expected.vector.buffer)), `vector of ${r.id}`).toBe(true);
  });
  return batches;
}

async function readAll(file: string): Promise<EmbeddingRecord[]> {
  const store = await FileStore.open(file, { readOnly: true });
  const records: EmbeddingRecord[] = [];
  for await (const r of store.records()) records.push(r);
  await store.close();
  return records;
}

// Each test starts a child process (tsx) and writes 100 MB: seconds when idle, far more on a busy machine.
describe('FileStore crash safety and concurrent readers', { timeout: 120_000 }, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let file: string;

  beforeEach(async () => {
    ({ dir, remove } = await temporaryDirectory());
    file = path.join(dir, 'faces.pvstore');
  });
  afterEach(() => remove());

  /** Starts the child adding 2000 × 512-d batches, then SIGKILLs it when `killNow` says so. */
  async function killedWriter(killNow: (child: TsChild) => Promise<void>): Promise<{ batches: number; tempFilesLeft: number }> {
    const child = startChildWriter(['add-batches', file, '100', String(BATCH_SIZE), String(DIMENSION)]);
    await killNow(child);
    child.process.kill('SIGKILL');
    expect(await child.exited).toMatchObject({ signal: 'SIGKILL' });
    const done = child.lines.filter((l) => l.startsWith('done ')).length;
    const started = child.lines.filter((l) => l.startsWith('start ')).length;
    // An add that finished just before the kill may not have printed "done" yet; it must be whole.
    const batches = expectWholeBatches(await readAll(file), BATCH_SIZE, DIMENSION);
    expect(batches).toBeGreaterThanOrEqual(done);
    expect(batches).toBeLessThanOrEqual(Math.min(done + 1, started));
    const tempFilesLeft = (await leftoverTempFiles(file)).length;
    // A new writer takes over the dead writer's lock, clears its temporary file and carries on.
    const writer = await FileStore.open(file);
    expect(await leftoverTempFiles(file)).toEqual([]);
    await writer.add([batchRecord(batches, 0, DIMENSION)]);
    expect(await writer.count()).toBe(batches * BATCH_SIZE + 1);
    await writer.close();
    return { batches, tempFilesLeft };
  }

  it('keeps exactly the completed batches when the writer is SIGKILLed as an add starts', async () => {
    const { batches } = await killedWriter((child) => child.waitFor((lines) => lines.includes('start 4')));
    expect(batches).toBeGreaterThanOrEqual(4);
  });

  it('keeps exactly the completed batches when the writer is SIGKILLed while it writes its temporary file', async () => {
    const { tempFilesLeft } = await killedWriter(async (child) => {
      await child.waitFor((lines) => lines.includes('done 2'));
      await new Promise<void>((resolve) => {
        const watcher = watch(dir, (_, name) => {
          if (name?.endsWith('.tmp') === true) {
            watcher.close();
            resolve();
          }
        });
      });
    });
    expect(tempFilesLeft, 'the kill landed before the rename').toBe(1);
  });

  it('lets readers open while another process writes, each seeing a complete version', async () => {
    const batchSize = 200;
    const dimension = 64;
    const total = 30;
    const child = startChildWriter(['add-batches', file, String(total), String(batchSize), String(dimension)]);
    let finished = false;
    void child.exited.then(() => {
      finished = true;
    });
    await child.waitFor((lines) => lines.includes('ready'));
    let last = 0;
    let reads = 0;
    while (!finished) {
      let records: EmbeddingRecord[];
      try {
        records = await readAll(file);
      } catch (error) {
        if (isPvError(error, 'E_NOT_FOUND') && last === 0) continue;
        throw error;
      }
      const batches = expectWholeBatches(records, batchSize, dimension);
      expect(batches).toBeGreaterThanOrEqual(last);
      last = batches;
      reads++;
    }
    expect(await child.exited).toMatchObject({ code: 0, signal: null });
    expect(expectWholeBatches(await readAll(file), batchSize, dimension)).toBe(total);
    expect(reads).toBeGreaterThan(0);
  });
});
