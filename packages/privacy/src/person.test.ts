import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileStore } from '@pv/store-file';
import { randomVector, seededRandom } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail, auditTrailPathFor, erasePerson, exportPerson, holdsPerson, parseMaxAge, removeExpired, revealedSubjects, type AuditRecorder } from './index.js';

let dir: string;
let store: FileStore;
let audit: AuditRecorder;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-person-'));
  const file = path.join(dir, 'faces.pvstore');
  store = await FileStore.open(file);
  audit = (await AuditTrail.open(auditTrailPathFor(file))).as({ kind: 'local-user', id: 'tester' }, 'cli@test');
  const random = seededRandom(3);
  const day = 24 * 3600 * 1000;
  const add = (label: string, n: number, createdAt: number) =>
    store.add(Array.from({ length: n }, (_, i) => ({ id: `${label}-${createdAt}-${i}`, label, modelId: 'm', vector: randomVector(random, 8), createdAt, source: { file: `/photos/${label}/${i}.jpg` } })));
  await add('alice-smith', 2, Date.UTC(2026, 0, 1));
  await add('alice-smith', 1, Date.UTC(2026, 5, 1) + day);
  await add('bob', 2, Date.UTC(2026, 5, 1));
  await audit.record({ action: 'enroll', subjects: ['alice-smith'], count: 3 });
  await audit.record({ action: 'search', subjects: ['bob', 'alice-smith'] });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('exportPerson', () => {
  it('returns the records, sources and audit entries of one person, and records the export without vectors', async () => {
    const data = await exportPerson(store, 'alice-smith', audit);
    expect(data.label).toBe('alice-smith');
    expect(data.records).toHaveLength(3);
    expect(data.records[0]?.vector).toHaveLength(8);
    expect(data.sources).toEqual(['/photos/alice-smith/0.jpg', '/photos/alice-smith/1.jpg']);
    expect(data.audit.map((e) => e.action)).toEqual(['enroll', 'search']);
    const trailText = await readFile(audit.trail.file, 'utf8');
    expect(trailText).toContain('"action":"export"');
    expect(trailText).not.toContain(String(data.records[0]?.vector[0]));
    expect((await exportPerson(store, 'nobody')).records).toEqual([]);
  });
});

describe('erasePerson', () => {
  it('removes the person from the store files and the audit trail, keeping who did what', async () => {
    const result = await erasePerson(store, 'alice-smith', audit);
    expect(result).toEqual({ records: 3, auditEntries: 2 });
    for (const name of await readdir(dir)) expect((await readFile(path.join(dir, name))).includes('alice-smith')).toBe(false);
    expect(await store.labels()).toEqual([{ label: 'bob', count: 2 }]);
    const trail = audit.trail;
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 3, erasedSubjects: 2 });
    const actions: string[] = [];
    for await (const entry of trail.entries()) actions.push(entry.action);
    expect(actions).toEqual(['enroll', 'search', 'erase']);
  });
});

describe('removeExpired', () => {
  it('removes records older than the limit and records which', async () => {
    const now = new Date(Date.UTC(2026, 5, 1) + 10 * 24 * 3600 * 1000);
    const result = await removeExpired(store, { maxAgeMs: 30 * 24 * 3600 * 1000, now, audit });
    expect(result).toEqual({ removed: 2, labels: ['alice-smith'], cutoff: '2026-05-12T00:00:00.000Z' });
    expect(await store.labels()).toEqual([{ label: 'alice-smith', count: 1 }, { label: 'bob', count: 2 }]);
    const retention = [];
    for await (const entry of audit.trail.entries({ action: 'retention' })) retention.push(entry);
    expect(retention[0]).toMatchObject({ count: 2, subjects: [{ label: 'alice-smith', recordIds: [expect.any(String), expect.any(String)] }] });
    expect((await removeExpired(store, { maxAgeMs: 30 * 24 * 3600 * 1000, now })).removed).toBe(0);
    await expect(removeExpired(store, { maxAgeMs: -1 })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
});

describe('parseMaxAge', () => {
  it('reads a whole number and a unit, and refuses anything else', () => {
    expect(parseMaxAge('90d')).toBe(90 * 24 * 3600 * 1000);
    expect(parseMaxAge(' 2y ')).toBe(2 * 365 * 24 * 3600 * 1000);
    expect(parseMaxAge('30s')).toBe(30_000);
    expect(parseMaxAge('5m')).toBe(300_000);
    for (const bad of ['', '10', 'd', '1.5d', '-1d', '3 months', '9999999999999y']) expect(() => parseMaxAge(bad)).toThrow(/duration/u);
  });
});

describe('holdsPerson, erasePerson without a recorder, revealedSubjects', () => {
  it('finds a person in the store or only in the trail, and nobody else', async () => {
    expect(await holdsPerson(store, 'bob')).toBe(true);
    expect(await holdsPerson(store, 'carol', audit.trail)).toBe(false);
    await audit.record({ action: 'search', subjects: ['carol'] });
    expect(await holdsPerson(store, 'carol')).toBe(false);
    expect(await holdsPerson(store, 'carol', audit.trail)).toBe(true);
  });

  it('scrubs a trail kept earlier when recording is off, and records nothing', async () => {
    const before = await readFile(audit.trail.file, 'utf8');
    const erased = await erasePerson(store, 'bob', undefined, audit.trail);
    expect(erased).toEqual({ records: 2, auditEntries: 1 });
    const after = await readFile(audit.trail.file, 'utf8');
    expect(after).not.toContain('bob');
    expect(after.split('\n').length).toBe(before.split('\n').length);
    expect(await holdsPerson(store, 'bob', audit.trail)).toBe(false);
  });

  it('keeps the labels a read revealed once each, in order, without unknown', () => {
    expect(revealedSubjects(['alice', 'unknown', 'alice', 'bob', 'unknown'])).toEqual(['alice', 'bob']);
    expect(revealedSubjects([])).toEqual([]);
  });
});
