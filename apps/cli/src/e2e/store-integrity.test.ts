// End to end: `pv store check`, `pv store export --salvage` and `pv store unlock` on damaged and locked stores.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { encodeVector, SqliteStore } from '@pv/store-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, E2E_TIMEOUT_MS, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

let work = '';
const vectorOf = (i: number): Float32Array => Float32Array.from({ length: 8 }, (_, j) => Math.cos(i * 1.7 + j) + i / 100);
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('store-integrity');
  const store = await SqliteStore.open(path.join(work, 'damaged.db'));
  await store.add(Array.from({ length: 20 }, (_, i) => ({ id: `r${i}`, label: `p${i % 4}`, modelId: 'm', vector: vectorOf(i) })));
  await store.close();
  // One flipped bit in the vector of r5 (in every copy SQLite left of that row).
  const bytes = readFileSync(path.join(work, 'damaged.db'));
  const needle = Buffer.from(encodeVector(vectorOf(5)));
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) bytes[at + 3] = (bytes[at + 3] as number) ^ 0x01;
  writeFileSync(path.join(work, 'damaged.db'), bytes);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv store on a damaged SQLite store', { timeout: E2E_TIMEOUT_MS }, () => {
  it('check reports the damaged record and exits 1; stats and enrol-like writes are refused; salvage copies the rest', async () => {
    const damaged = path.join(work, 'damaged.db');
    const before = sha256(damaged);
    const { run, json } = await runPvJson<{ ok: boolean; records: number; damaged: { id: string }[] }>(['store', 'check', '--store', `sqlite:${damaged}`], work);
    expect(run.code, run.stderr).toBe(1);
    expect(json).toMatchObject({ ok: false, records: 19, damaged: [{ id: 'r5' }] });

    const stats = await runPv(['store', 'stats', '--store', `sqlite:${damaged}`], work);
    expect(stats.code).toBe(2);
    expect(stats.stderr).toContain('E_STORE_CORRUPT');
    const importInto = await runPv(['store', 'import', `sqlite:${path.join(work, 'other.db')}`, '--store', `sqlite:${damaged}`], work);
    expect(importInto.code).toBe(2);

    const recovered = path.join(work, 'recovered.db');
    const salvage = await runPvJson<{ copied: number; damaged: { id: string }[] }>(['store', 'export', `sqlite:${recovered}`, '--store', `sqlite:${damaged}`, '--salvage'], work);
    expect(salvage.run.code, salvage.run.stderr).toBe(1);
    expect(salvage.json).toMatchObject({ copied: 19, damaged: [{ id: 'r5' }] });
    expect((await runPv(['store', 'check', '--store', `sqlite:${recovered}`], work)).code).toBe(0);
    expect(sha256(damaged)).toBe(before);
  });
});

describe('pv store unlock', { timeout: E2E_TIMEOUT_MS }, () => {
  it('removes a lock left by a process on another host, refuses one held by a live local process', async () => {
    const file = path.join(work, 'locked.pv');
    await writeFile(`${file}.lock`, JSON.stringify({ pid: 4242, hostname: 'elsewhere.example', token: 't', acquiredAt: Date.now() }));
    const removed = await runPvJson<{ removed: boolean; reason: string }>(['store', 'unlock', '--store', `file:${file}`], work);
    expect(removed.run.code, removed.run.stderr).toBe(0);
    expect(removed.json).toMatchObject({ removed: true, reason: 'other-host' });
    await writeFile(`${file}.lock`, JSON.stringify({ pid: process.pid, hostname: os.hostname(), token: 't', acquiredAt: Date.now() }));
    const refused = await runPv(['store', 'unlock', '--store', `file:${file}`], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_STORE_LOCKED');
    expect(readFileSync(`${file}.lock`, 'utf8')).toContain(String(process.pid));
  });
});
