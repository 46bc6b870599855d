import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { NewRecord } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOnOpen } from './integrity.js';
import { recordChecksum } from './record-checksum.js';
import { MIGRATIONS } from './schema.js';
import { toStoreError } from './sqlite-errors.js';
import { SqliteStore } from './sqlite-store.js';
import { checkStore, salvageStore } from './store-check.js';
import { encodeVector } from './vector-blob.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pv-sqlite-integrity-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const DIMENSION = 16;

function vectorOf(i: number): Float32Array {
  return Float32Array.from({ length: DIMENSION }, (_, j) => Math.sin(i * 7.1 + j * 0.37) + i / 1000);
}

function records(count: number): NewRecord[] {
  return Array.from({ length: count }, (_, i) => ({ id: `r${i}`, label: `person-${i % 5}`, modelId: 'm', vector: vectorOf(i), createdAt: 1000 + i }));
}

async function storeWith(file: string, count: number): Promise<void> {
  const store = await SqliteStore.open(file);
  await store.add(records(count));
  await store.close();
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Flips one bit, at byte `at`, of every occurrence of `needle` in `file` (SQLite may leave stale copies of a
 * row in unused space; the live one is among them).
 */
function flipInside(file: string, needle: Uint8Array, at: number): void {
  const bytes = readFileSync(file);
  const pattern = Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength);
  let found = 0;
  for (let offset = bytes.indexOf(pattern); offset >= 0; offset = bytes.indexOf(pattern, offset + 1)) {
    bytes[offset + at] = (bytes[offset + at] as number) ^ 0x10;
    found++;
  }
  expect(found, 'the bytes to damage are in the file').toBeGreaterThan(0);
  writeFileSync(file, bytes);
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe('SqliteStore files are private', () => {
  it('creates the database, its WAL and shared-memory files 0600', async () => {
    const file = path.join(dir, 'private.db');
    const store = await SqliteStore.open(file);
    await store.add(records(3));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    await store.close();
    expect(mode(file)).toBe(0o600);
  });
});

describe('SqliteStore close', () => {
  it('checkpoints the WAL, so that the .db file alone is a complete copy even while another connection is open', async () => {
    const file = path.join(dir, 'wal.db');
    await storeWith(file, 1);
    // An idle reader keeps the database open: SQLite's own checkpoint on last close would not run.
    const other = new Database(file, { readonly: true });
    const store = await SqliteStore.open(file);
    await store.add(records(40).slice(1));
    await store.close();
    const copy = path.join(dir, 'copy.db');
    copyFileSync(file, copy);
    other.close();
    expect(existsSync(`${copy}-wal`)).toBe(false);
    const reopened = await SqliteStore.open(copy);
    expect(await reopened.count()).toBe(40);
    await reopened.close();
  });
});

describe('SqliteStore record checksums', () => {
  it('refuses on open, untouched, a store with one flipped bit in a vector', async () => {
    const file = path.join(dir, 'flipped.db');
    await storeWith(file, 50);
    flipInside(file, encodeVector(vectorOf(7)), 5);
    const before = sha256(file);
    const error = await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    expect(error.message).toContain('"r7"');
    expect(error.message).toContain('left untouched');
    expect(sha256(file)).toBe(before);
  });

  it('without the open check, refuses to read the damaged record, then refuses every write, leaving the file untouched', async () => {
    const file = path.join(dir, 'flipped-label.db');
    await storeWith(file, 50);
    flipInside(file, encodeVector(vectorOf(12)), 60);
    const before = sha256(file);
    const store = await SqliteStore.open(file, { openCheck: 'none' });
    expect((await store.get('r11'))?.label).toBe('person-1');
    const read = await expectPvError(store.get('r12'), 'E_STORE_CORRUPT');
    expect(read.message).toContain('checksum');
    await expectPvError(store.search(vectorOf(3), { k: 3, metric: l2 }), 'E_STORE_CORRUPT');
    const write = await expectPvError(store.add(records(51).slice(50)), 'E_STORE_CORRUPT');
    expect(write.message).toContain('every write is refused');
    await expectPvError(store.delete('r1'), 'E_STORE_CORRUPT');
    await store.close();
    expect(sha256(file)).toBe(before);
  });

  it('covers the label, id and other columns, not just the vector', async () => {
    const file = path.join(dir, 'label.db');
    const store = await SqliteStore.open(file);
    await store.add([{ id: 'only', label: 'alice-unique-label', modelId: 'm', vector: vectorOf(1) }]);
    await store.close();
    flipInside(file, new TextEncoder().encode('alice-unique-label'), 2);
    await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    const unchecked = await SqliteStore.open(file, { openCheck: 'none' });
    await expectPvError(unchecked.search(vectorOf(1), { k: 1, metric: l2 }), 'E_STORE_CORRUPT');
    await unchecked.close();
  });

  it('checksums the records of a version 1 store when upgrading it', async () => {
    const file = path.join(dir, 'v1.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO pv_meta (key, value) VALUES ('model_id', 'm'), ('dimension', ?)").run(String(DIMENSION));
    db.prepare("INSERT INTO pv_records (id, label, model_id, created_at, vector) VALUES ('old', 'bob', 'm', 5, ?)").run(encodeVector(vectorOf(3)));
    db.close();
    const store = await SqliteStore.open(file);
    expect((await store.get('old'))?.vector).toEqual(vectorOf(3));
    await store.close();
    const raw = new Database(file, { readonly: true });
    const row = raw.prepare('SELECT checksum, vector FROM pv_records').get() as { checksum: number; vector: Uint8Array };
    raw.close();
    expect(row.checksum).toBe(recordChecksum('old', 'bob', 'm', 5, null, null, null, null, null, row.vector));
  });
});

describe('SqliteStore open check', () => {
  /** Overwrites page `page` (1-based) of `file` with noise. */
  function damagePage(file: string, page: number): void {
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    for (let i = (page - 1) * pageSize; i < page * pageSize; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
  }

  it('refuses a store with a damaged b-tree page on open (also for read-only uses), untouched', async () => {
    const file = path.join(dir, 'btree.db');
    await storeWith(file, 2000);
    const pages = statSync(file).size / readFileSync(file).readUInt16BE(16);
    damagePage(file, Math.floor(pages / 2));
    const before = sha256(file);
    const error = await expectPvError(SqliteStore.open(file), 'E_STORE_CORRUPT');
    expect(error.message).toContain('left untouched');
    expect(sha256(file)).toBe(before);
  });

  it('bounded beyond its size limit: walks the indexes and samples records', async () => {
    const file = path.join(dir, 'bounded.db');
    await storeWith(file, 300);
    // The first record is always sampled (the samples span min(seq)..max(seq)).
    flipInside(file, encodeVector(vectorOf(0)), 9);
    expect(() => checkOnOpen(file, 'bounded', 100, 1)).toThrow(/r0.*checksum/u);
    expect(() => checkOnOpen(file, 'none', 100, 1)).not.toThrow();
  });

  it('refuses unknown openCheck values', async () => {
    await expectPvError(SqliteStore.open(path.join(dir, 'x.db'), { openCheck: 'sometimes' as 'none' }), 'E_INVALID_ARGUMENT');
  });
});

describe('checkStore and salvageStore', () => {
  it('report a sound store as ok', async () => {
    const file = path.join(dir, 'sound.db');
    await storeWith(file, 30);
    expect(checkStore(file)).toEqual({ file, ok: true, problems: [], records: 30, damaged: [] });
  });

  it('list damaged records and copy every intact one into a new store, leaving the damaged file untouched', async () => {
    const file = path.join(dir, 'damaged.db');
    await storeWith(file, 60);
    flipInside(file, encodeVector(vectorOf(20)), 1);
    flipInside(file, encodeVector(vectorOf(41)), 33);
    const before = sha256(file);
    const report = checkStore(file);
    expect(report.ok).toBe(false);
    expect(report.records).toBe(58);
    expect(report.damaged.map((d) => [d.seq, d.id])).toEqual([
      [21, 'r20'],
      [42, 'r41'],
    ]);
    const target = await SqliteStore.open(path.join(dir, 'recovered.db'));
    const salvage = await salvageStore(file, target, { batchSize: 7 });
    expect(salvage.copied).toBe(58);
    expect(salvage.damaged.map((d) => d.id)).toEqual(['r20', 'r41']);
    expect(await target.count()).toBe(58);
    expect(await target.get('r20')).toBeUndefined();
    expect(await target.get('r33')).toMatchObject({ label: 'person-3', createdAt: 1033, vector: vectorOf(33) });
    await target.close();
    expect(sha256(file)).toBe(before);
  });

  it('salvage goes around a damaged page', async () => {
    const file = path.join(dir, 'page.db');
    await storeWith(file, 2000);
    const bytes = readFileSync(file);
    const pageSize = bytes.readUInt16BE(16);
    const page = Math.floor(bytes.length / pageSize / 2);
    for (let i = (page - 1) * pageSize; i < page * pageSize; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
    const report = checkStore(file);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    const target = await SqliteStore.open(path.join(dir, 'recovered.db'));
    const salvage = await salvageStore(file, target);
    await target.close();
    expect(salvage.copied).toBe(report.records);
    expect(salvage.copied).toBeGreaterThan(1500);
    expect(salvage.copied + salvage.damaged.length).toBeLessThanOrEqual(2000);
  });
});

describe('toStoreError', () => {
  it('says "left untouched" only when the caller says nothing could have been written', () => {
    const error = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    expect((toStoreError(error, 'a.db', { untouched: true }) as Error).message).toContain('the file was left untouched');
    const writing = (toStoreError(error, 'a.db') as Error).message;
    expect(writing).not.toContain('untouched');
    expect(writing).toContain('nothing of this call was committed');
  });
});
