import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { NewRecord } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-sqlite-errors-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function records(count: number, dimension = 64, prefix = 'r'): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    label: `person-${i % 10}`,
    modelId: 'm',
    vector: Float32Array.from({ length: dimension }, (_, j) => Math.sin(i * 31 + j)),
  }));
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function storeWith(file: string, count: number): Promise<void> {
  const store = await SqliteStore.open(file);
  await store.add(records(count));
  await store.close();
}

describe('SqliteStore files', () => {
  it('stores vectors as little-endian float32 BLOBs, with metadata columns, in WAL mode', async () => {
    const file = path.join(dir, 'a.db');
    const store = await SqliteStore.open(file);
    await store.add([
      {
        id: 'x',
        label: 'alice',
        modelId: 'm',
        createdAt: 42,
        vector: Float32Array.of(1, -2.5),
        source: { file: 'a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } },
      },
    ]);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const row = db.prepare('SELECT * FROM pv_records').get() as Record<string, unknown>;
    db.close();
    expect(row).toMatchObject({ id: 'x', label: 'alice', model_id: 'm', created_at: 42, source_file: 'a.jpg', box_x: 1, box_y: 2, box_width: 3, box_height: 4 });
    expect(Array.from(row.vector as Uint8Array)).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0]);
  });

  it('refuses a file that is not a database with E_STORE_CORRUPT and leaves it unchanged', async () => {
    const file = path.join(dir, 'notes.db');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const before = sha256(file);
    const error = await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    expect(error.message).toContain(file);
    expect(sha256(file)).toBe(before);
  });

  it("refuses another application's SQLite database and leaves it unchanged", async () => {
    const file = path.join(dir, 'other.db');
    const other = new Database(file);
    other.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('bob');");
    other.close();
    const before = sha256(file);
    await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    expect(sha256(file)).toBe(before);
  });

  it('refuses a store written by a newer schema version', async () => {
    const file = path.join(dir, 'future.db');
    await storeWith(file, 3);
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    const before = sha256(file);
    const error = await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    expect(error.message).toContain('newer');
    expect(sha256(file)).toBe(before);
  });

  it('reports a truncated store as E_STORE_CORRUPT and leaves it unchanged', async () => {
    const file = path.join(dir, 'cut.db');
    await storeWith(file, 2000);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = sha256(file);
    const outcome = await (async () => {
      const store = await SqliteStore.open(file);
      try {
        await store.search(new Float32Array(64), { k: 1, metric: l2 });
        for await (const record of store.records()) void record;
      } finally {
        await store.close();
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ code: 'E_STORE_CORRUPT' });
    expect((outcome as Error).message).toContain(file);
    expect(sha256(file)).toBe(before);
  });

  it('reports damaged pages as E_STORE_CORRUPT and leaves the file unchanged', async () => {
    const file = path.join(dir, 'damaged.db');
    await storeWith(file, 2000);
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    // Overwrite pages 3.. (record pages; page 1 is the schema, page 2 the first table) with noise.
    for (let i = pageSize * 2; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
    const before = sha256(file);
    const store = await SqliteStore.open(file).catch((error: unknown) => error);
    if (store instanceof SqliteStore) {
      const error = await expectPvError(
        (async () => {
          await store.count();
          await store.search(new Float32Array(64), { k: 1, metric: l2 });
        })(),
        'E_STORE_CORRUPT',
      );
      expect(error.message).toContain(file);
      await store.close();
    } else {
      expect(store).toMatchObject({ code: 'E_STORE_CORRUPT' });
    }
    expect(sha256(file)).toBe(before);
  });

  it('refuses to open with a binding other than the stored one', async () => {
    const file = path.join(dir, 'bound.db');
    await storeWith(file, 1);
    await expectPvError(SqliteStore.open(file, { modelId: 'other' }), 'E_MODEL_MISMATCH');
    await expectPvError(SqliteStore.open(file, { dimension: 3 }), 'E_DIM_MISMATCH');
    const store = await SqliteStore.open(file, { modelId: 'm', dimension: 64 });
    expect(await store.count()).toBe(1);
    await store.close();
  });

  it('refuses invalid options with E_INVALID_ARGUMENT', async () => {
    const file = path.join(dir, 'options.db');
    await expectPvError(SqliteStore.open(file, { searchChunkRows: 0 }), 'E_INVALID_ARGUMENT');
    await expectPvError(SqliteStore.open(file, { busyTimeoutMs: -1 }), 'E_INVALID_ARGUMENT');
    await expectPvError(SqliteStore.open(file, { dimension: 2.5 }), 'E_INVALID_ARGUMENT');
  });
});

describe('SqliteStore locking', () => {
  it('fails a write with E_STORE_LOCKED while another connection holds the write lock, then succeeds', async () => {
    const file = path.join(dir, 'locked.db');
    await storeWith(file, 5);
    const store = await SqliteStore.open(file, { busyTimeoutMs: 50 });
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const error = await expectPvError(store.add(records(1, 64, 'late')), 'E_STORE_LOCKED');
    expect(error.message).toContain(file);
    // Readers are not blocked by a writer.
    expect(await store.count()).toBe(5);
    other.exec('COMMIT');
    other.close();
    await store.add(records(1, 64, 'late'));
    expect(await store.count()).toBe(6);
    await store.close();
  });

  it('fails to open with E_STORE_LOCKED while another connection holds the database exclusively', async () => {
    const file = path.join(dir, 'exclusive.db');
    await storeWith(file, 5);
    const other = new Database(file);
    other.pragma('journal_mode = DELETE');
    other.pragma('locking_mode = EXCLUSIVE');
    other.exec('BEGIN EXCLUSIVE');
    await expectPvError(SqliteStore.open(file, { busyTimeoutMs: 50 }), 'E_STORE_LOCKED');
    other.exec('COMMIT');
    other.close();
    const store = await SqliteStore.open(file);
    expect(await store.count()).toBe(5);
    await store.close();
  });
});
