/// <reference types="node" />
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EmbeddingRecord, NewRecord, Store } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { afterEach, describe, expect, it } from 'vitest';
import { hashSeed, randomVector, seededRandom } from '../random.js';

/** Options of {@link describeErasure}. */
export interface DescribeErasureOptions {
  /** People enrolled (one of them is erased). Default 40. */
  readonly people?: number;
  /** Records per person. Default 5. */
  readonly recordsPerPerson?: number;
  /** Embedding dimension. Default 64. */
  readonly dimension?: number;
  /**
   * The store keeps plaintext (default `true`): the suite then also checks that the bytes of people who
   * were kept are found, proving that the scan can see what it looks for. `false` for encrypted stores,
   * where the suite instead checks that no person's bytes are found.
   */
  readonly plaintext?: boolean;
  /** Called after the deletions and before `close()`: a store's documented erasure step, if it has one. */
  readonly flush?: (store: Store) => Promise<void>;
}

/** What identifies a person in a store file: the label, source paths and vectors, as bytes. */
export interface PersonFootprint {
  readonly label: string;
  readonly needles: readonly Buffer[];
}

/**
 * The byte strings that must not survive erasure of `records`: each label and source path (UTF-8) and
 * each vector as little-endian float32 (whole, and its first and last 16 bytes).
 */
export function footprintOf(label: string, records: readonly Pick<EmbeddingRecord, 'vector' | 'source'>[]): PersonFootprint {
  const needles: Buffer[] = [Buffer.from(label, 'utf8')];
  for (const record of records) {
    if (record.source?.file !== undefined) needles.push(Buffer.from(record.source.file, 'utf8'));
    const bytes = Buffer.alloc(record.vector.length * 4);
    record.vector.forEach((x, i) => bytes.writeFloatLE(x, i * 4));
    needles.push(bytes, bytes.subarray(0, 16), bytes.subarray(bytes.length - 16));
  }
  return { label, needles };
}

/** Every file under `dir` (recursively) that holds one of `needles`, with the needle's index. */
export async function filesHolding(dir: string, needles: readonly Buffer[]): Promise<{ file: string; needle: number }[]> {
  const found: { file: string; needle: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    const needle = needles.findIndex((n) => bytes.includes(n));
    if (needle >= 0) found.push({ file, needle });
  }
  return found;
}

/**
 * Registers a vitest suite proving that deletion is erasure in a store kept in files: it enrolls people
 * (labels, source paths and random vectors unlikely to occur by chance), in several sessions so that
 * older file versions and index files exist, deletes one person with `deleteLabel` and one record with
 * `delete`, closes the store, and scans every file in the store's directory for the deleted bytes.
 * `open` must keep every file of the store under `dir` and search with the L2 metric.
 *
 * @example
 * ```ts
 * describeErasure('SqliteStore', (dir) => SqliteStore.open(path.join(dir, 'store.db')));
 * ```
 */
export function describeErasure(name: string, open: (dir: string) => Promise<Store>, options: DescribeErasureOptions = {}): void {
  const people = options.people ?? 40;
  const perPerson = options.recordsPerPerson ?? 5;
  const dimension = options.dimension ?? 64;
  const plaintext = options.plaintext ?? true;
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  describe(`${name}: deletion is erasure`, () => {
    it('leaves no byte of deleted vectors, labels or source paths in any file once closed', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'pv-erasure-'));
      dirs.push(dir);
      const byPerson = enrollment(people, perPerson, dimension);
      const half = Math.floor(people / 2);
      // Two sessions: the first leaves a complete store (and any index file) on disk before the deletions.
      let store = await open(dir);
      for (const records of byPerson.slice(0, half)) await store.add(records);
      await store.close();
      store = await open(dir);
      await store.add(byPerson.slice(half).flat());
      await store.search(byPerson[0]?.[0]?.vector as Float32Array, { k: 3, metric: l2 });

      const erased = byPerson[3] as NewRecord[];
      const partly = byPerson[half + 1] as NewRecord[];
      const erasedRecord = partly[2] as NewRecord;
      expect(await store.deleteLabel(erased[0]?.label as string)).toBe(perPerson);
      expect(await store.delete(erasedRecord.id as string)).toBe(true);
      await options.flush?.(store);
      await store.close();

      const gone = footprintOf(erased[0]?.label as string, erased);
      const goneRecord = footprintOf(erasedRecord.source?.file as string, [erasedRecord]);
      expect(await filesHolding(dir, [...gone.needles, ...goneRecord.needles])).toEqual([]);

      const kept = byPerson[half + 2] as NewRecord[];
      const keptFound = await filesHolding(dir, footprintOf(kept[0]?.label as string, kept).needles);
      if (plaintext) expect(keptFound.length).toBeGreaterThan(0);
      else expect(keptFound).toEqual([]);

      const reopened = await open(dir);
      try {
        expect(await reopened.count()).toBe(people * perPerson - perPerson - 1);
        expect(await reopened.get(erasedRecord.id as string)).toBeUndefined();
        expect((await reopened.labels()).some((l) => l.label === erased[0]?.label)).toBe(false);
        const [hit] = await reopened.search(kept[0]?.vector as Float32Array, { k: 1, metric: l2 });
        expect(hit?.record.label).toBe(kept[0]?.label);
      } finally {
        await reopened.close();
      }
    });
  });
}

/** `people` people of `perPerson` records each: distinctive labels, ids, source paths and vectors. */
function enrollment(people: number, perPerson: number, dimension: number): NewRecord[][] {
  return Array.from({ length: people }, (_, p) => {
    const label = `erasure-person-${p}-${hashSeed(`label-${p}`).toString(36)}`;
    return Array.from({ length: perPerson }, (_, r) => {
      const id = `${label}/${r}`;
      return {
        id,
        label,
        modelId: 'erasure-test',
        vector: randomVector(seededRandom(hashSeed(id)), dimension),
        source: { file: `/photos/${label}/shot-${r}.jpg`, box: { x: 1, y: 2, width: 30, height: 40 } },
      };
    });
  });
}
