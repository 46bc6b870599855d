/// <reference types="node" />
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NewRecord, Store } from '@pv/core';
import { l2 } from '@pv/metric-l2';
import { afterEach, describe, expect, it } from 'vitest';
import { expectPvError } from '../expect-pv-error.js';
import { hashSeed, randomVector, seededRandom } from '../random.js';
import { filesHolding, footprintOf } from './describe-erasure.js';

/** A store key in the shape every encrypted pv store takes (`{ key }` of `@pv/store-crypto`'s `StoreEncryption`). */
export interface TestStoreKey {
  readonly key: Uint8Array;
}

/** How {@link describeEncryption} opens and rekeys the store under test. */
export interface EncryptionFixture {
  /** Opens the store kept in `dir`, encrypted with `encryption` (plain when undefined). */
  open(dir: string, encryption: TestStoreKey | undefined): Promise<Store>;
  /** Re-encrypts the store in `dir` from one key to another (undefined: plain). */
  rekey(dir: string, from: TestStoreKey | undefined, to: TestStoreKey | undefined): Promise<unknown>;
}

/**
 * Registers a vitest suite for encryption at rest: no label, source path or vector of an encrypted store
 * appears in its files; a wrong key, a missing key, or a key for a plain store is `E_STORE_KEY` and leaves
 * every file byte-identical; rekeying keeps every record and retires the old key; decrypting gives back a
 * plain store.
 */
export function describeEncryption(name: string, fixture: EncryptionFixture): void {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const newDir = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-encryption-'));
    dirs.push(dir);
    return dir;
  };
  const keyA: TestStoreKey = { key: new Uint8Array(randomBytes(32)) };
  const keyB: TestStoreKey = { key: new Uint8Array(randomBytes(32)) };
  const records: NewRecord[] = Array.from({ length: 12 }, (_, i) => {
    const label = `secret-person-${i % 3}-${hashSeed(`enc-${i % 3}`).toString(36)}`;
    return { id: `rec-${i}`, label, modelId: 'enc-test', vector: randomVector(seededRandom(hashSeed(`enc-${i}`)), 16), source: { file: `/photos/${label}/${i}.jpg` } };
  });
  const footprint = footprintOf('', records).needles.slice(1);
  const labelBytes = [...new Set(records.map((r) => r.label))].map((l) => Buffer.from(l, 'utf8'));

  async function snapshot(dir: string): Promise<Map<string, string>> {
    const files = new Map<string, string>();
    for (const name of (await readdir(dir)).sort()) files.set(name, (await readFile(path.join(dir, name))).toString('base64'));
    return files;
  }

  async function enrolled(key: TestStoreKey | undefined): Promise<string> {
    const dir = await newDir();
    const store = await fixture.open(dir, key);
    await store.add(records);
    await store.close();
    return dir;
  }

  describe(`${name}: encryption at rest`, () => {
    it('keeps no label, source path or vector in plain bytes, and reads everything back with the key', async () => {
      const dir = await enrolled(keyA);
      expect(await filesHolding(dir, [...footprint, ...labelBytes])).toEqual([]);
      const store = await fixture.open(dir, keyA);
      try {
        expect(await store.count()).toBe(records.length);
        expect((await store.labels()).map((l) => l.label)).toEqual([...new Set(records.map((r) => r.label))].sort());
        const got = await store.get('rec-4');
        expect(got?.label).toBe(records[4]?.label);
        expect(got?.source?.file).toBe(records[4]?.source?.file);
        expect(Array.from(got?.vector ?? [])).toEqual(Array.from(records[4]?.vector ?? []));
        const [hit] = await store.search(records[7]?.vector as Float32Array, { k: 1, metric: l2, label: records[7]?.label as string });
        expect(hit?.record.id).toBe('rec-7');
        expect(await store.deleteLabel(records[0]?.label as string)).toBe(4);
      } finally {
        await store.close();
      }
    });

    it('refuses a wrong key, a missing key and a key for a plain store with E_STORE_KEY, leaving the files untouched', async () => {
      const encrypted = await enrolled(keyA);
      const before = await snapshot(encrypted);
      await expectPvError(fixture.open(encrypted, keyB), 'E_STORE_KEY');
      await expectPvError(fixture.open(encrypted, undefined), 'E_STORE_KEY');
      await expectPvError(fixture.rekey(encrypted, keyB, keyA), 'E_STORE_KEY');
      expect(await snapshot(encrypted)).toEqual(before);

      const plain = await enrolled(undefined);
      const plainBefore = await snapshot(plain);
      await expectPvError(fixture.open(plain, keyA), 'E_STORE_KEY');
      expect(await snapshot(plain)).toEqual(plainBefore);
    });

    it('rekeys: the new key opens every record, the old one no longer does; encrypts a plain store and decrypts back', async () => {
      const dir = await enrolled(undefined);
      await fixture.rekey(dir, undefined, keyA);
      expect(await filesHolding(dir, [...footprint, ...labelBytes])).toEqual([]);
      await fixture.rekey(dir, keyA, keyB);
      await expectPvError(fixture.open(dir, keyA), 'E_STORE_KEY');
      const store = await fixture.open(dir, keyB);
      try {
        expect(await store.count()).toBe(records.length);
        expect((await store.get('rec-11'))?.source?.file).toBe(records[11]?.source?.file);
      } finally {
        await store.close();
      }
      await fixture.rekey(dir, keyB, undefined);
      const plain = await fixture.open(dir, undefined);
      try {
        expect((await plain.get('rec-2'))?.label).toBe(records[2]?.label);
      } finally {
        await plain.close();
      }
    });
  });
}
