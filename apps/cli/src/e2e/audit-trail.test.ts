// End to end: every pv mutation and identity read lands in the store's audit trail (who, what, whom, when,
// where; never vectors), pv people export returns a person's data, and pv people rm erases the person from
// the store and from the trail's personal fields while the chain still verifies.
import { readFile, rm, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

interface Entry {
  readonly seq: number;
  readonly actor: { kind: string; id: string };
  readonly origin: string;
  readonly action: string;
  readonly subjects: ({ label: string; recordIds: string[] } | null)[];
  readonly count: number | null;
  readonly store: string | null;
  readonly detail: string | null;
}

const PERSON = 'Annika-Lund';
let work = '';
let store = '';
let trailFile = '';
let probe = '';

async function entries(...filter: string[]): Promise<Entry[]> {
  const { run, json } = await runPvJson<{ trail: string; entries: Entry[] }>(['audit', '--store', store, ...filter], work);
  expect(run.code, run.stderr).toBe(0);
  expect(json.trail).toBe(trailFile);
  return json.entries;
}

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('audit');
  store = `file:${path.join(work, 'faces.pv')}`;
  trailFile = path.join(work, 'faces.pv.audit.jsonl');
  const annika = await celebaPhotos('7206');
  await linkPhotos(path.join(work, 'people'), { [PERSON]: annika.slice(0, 2), Bob: (await celebaPhotos('7213')).slice(0, 2) });
  probe = annika[2] as string;
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the audit trail of pv commands', { timeout: E2E_TIMEOUT_MS }, () => {
  const me = { kind: 'local-user', id: userInfo().username };
  const origin = `cli@${hostname()}`;

  it('records an enrollment: who, where, whom (labels and record ids), how many', async () => {
    const enrolled = await runPv(['enroll', 'people', '--store', store], work);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const [entry, ...more] = await entries();
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ seq: 1, actor: me, origin, action: 'enroll', count: 4, store });
    expect(entry?.subjects.map((s) => [s?.label, s?.recordIds.length])).toEqual(
      expect.arrayContaining([
        [PERSON, 2],
        ['Bob', 2],
      ]),
    );
    expect((await stat(trailFile)).mode & 0o777).toBe(0o600);
  });

  it('records identify, verify and people show as identity reads naming whom they revealed', async () => {
    expect((await runPv(['identify', probe, '--store', store], work)).code).toBe(0);
    expect((await runPv(['verify', probe, '--label', PERSON, '--store', store], work)).code).toBe(0);
    expect((await runPv(['people', 'show', PERSON, '--store', store], work)).code).toBe(0);
    const reads = await entries('--action', 'search');
    expect(reads.map((e) => e.detail)).toEqual(['identify', 'verify', 'people show']);
    for (const read of reads) {
      expect(read).toMatchObject({ actor: me, origin });
      expect(read.subjects.map((s) => s?.label)).toContain(PERSON);
    }
    expect(reads[2]?.subjects[0]?.recordIds).toHaveLength(2);
  });

  it('exports everything held about a person: records with ids, sources, dates, model, and the audit entries', async () => {
    const out = path.join(work, 'export.json');
    const run = await runPv(['people', 'export', PERSON, '--out', out, '--store', store], work);
    expect(run.code, run.stderr).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const data = JSON.parse(await readFile(out, 'utf8')) as {
      label: string;
      records: { id: string; modelId: string; createdAt: string; sourceFile: string; vector: number[] }[];
      sources: string[];
      audit: Entry[];
    };
    expect(data.label).toBe(PERSON);
    expect(data.records).toHaveLength(2);
    const [enroll] = await entries('--action', 'enroll');
    const enrolledIds = enroll?.subjects.find((s) => s?.label === PERSON)?.recordIds ?? [];
    expect(data.records.map((r) => r.id).sort()).toEqual([...enrolledIds].sort());
    expect(data.records.every((r) => r.modelId === 'mobilefacenet' && r.vector.length === 512 && !Number.isNaN(Date.parse(r.createdAt)))).toBe(true);
    expect(data.sources).toHaveLength(2);
    expect(data.sources.every((s) => s.includes(path.join('people', PERSON)))).toBe(true);
    expect(data.audit.map((e) => e.action)).toEqual(['enroll', 'search', 'search', 'search']);
    // The export itself is recorded, and to standard output it is the same JSON.
    expect((await entries('--action', 'export')).map((e) => e.subjects[0]?.label)).toEqual([PERSON]);
    const stdout = await runPv(['people', 'export', 'Bob', '--store', store], work);
    expect((JSON.parse(stdout.stdout) as { records: unknown[] }).records).toHaveLength(2);
  });

  it('keeps no vectors or images in the trail', async () => {
    const text = await readFile(trailFile, 'utf8');
    for (const line of text.trim().split('\n')) {
      const numbers = line.match(/-?\d+\.\d{4,}/gu) ?? [];
      expect(numbers.length, line).toBe(0);
      expect(line).not.toMatch(/vector|embedding|base64|jpe?g/iu);
    }
  });

  it('pv people rm erases the person from the store and from every audit entry; the chain verifies', async () => {
    const before = await readFile(trailFile, 'utf8');
    const ids = (JSON.parse((await runPv(['people', 'export', PERSON, '--store', store], work)).stdout) as { records: { id: string }[] }).records.map((r) => r.id);
    expect(before).toContain(PERSON);
    const { run, json } = await runPvJson<{ removed: number; auditEntries: number }>(['people', 'rm', PERSON, '--store', store], work);
    expect(run.code, run.stderr).toBe(0);
    // enroll, three reads, the export to a file, and the export just made.
    expect(json).toMatchObject({ removed: 2, auditEntries: 6 });

    const after = await readFile(trailFile, 'utf8');
    expect(after).not.toContain(PERSON);
    for (const id of ids) expect(after).not.toContain(id);
    expect(await readFile(path.join(work, 'faces.pv'))).not.toContain(Buffer.from(PERSON));
    const verified = await runPvJson<{ ok: boolean; entries: number; erasedSubjects: number }>(['audit', '--store', store, '--verify'], work);
    expect(verified.json).toMatchObject({ ok: true, erasedSubjects: 6 });
    const erase = (await entries('--action', 'erase'))[0];
    expect(erase).toMatchObject({ actor: me, origin, count: 2, subjects: [] });
    expect(await entries('--subject', PERSON)).toEqual([]);
    // Bob's entries keep his name.
    expect((await entries('--subject', 'Bob')).length).toBeGreaterThan(0);
    const again = await runPv(['people', 'rm', PERSON, '--store', store], work);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('E_NOT_FOUND');
  });

  it('pv people prune removes faces older than the limit, reported and recorded', async () => {
    const kept = await runPvJson<{ removed: number }>(['people', 'prune', '--max-age', '365d', '--store', store], work);
    expect(kept.json.removed).toBe(0);
    const bad = await runPv(['people', 'prune', '--max-age', 'a year', '--store', store], work);
    expect(bad.code).toBe(2);
    const { run, json } = await runPvJson<{ removed: number; labels: string[]; remaining: number }>(['people', 'prune', '--max-age', '0s', '--store', store], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toMatchObject({ removed: 2, labels: ['Bob'], remaining: 0 });
    const [retention, ...more] = await entries('--action', 'retention');
    expect(more).toEqual([]);
    expect(retention).toMatchObject({ actor: me, count: 2 });
    expect(retention?.subjects.map((s) => [s?.label, s?.recordIds.length])).toEqual([['Bob', 2]]);
  });

  it('PV_AUDIT=off records nothing; PV_AUDIT_TRAIL moves the trail', async () => {
    const lines = (await readFile(trailFile, 'utf8')).trim().split('\n').length;
    const off = await runPv(['enroll', 'people/Bob', '--label', 'Bob', '--store', store], work, { PV_AUDIT: 'off' });
    expect(off.code, off.stderr).toBe(0);
    expect((await readFile(trailFile, 'utf8')).trim().split('\n')).toHaveLength(lines);
    const elsewhere = path.join(work, 'elsewhere.jsonl');
    const moved = await runPv(['people', 'show', 'Bob', '--store', store], work, { PV_AUDIT_TRAIL: elsewhere });
    expect(moved.code, moved.stderr).toBe(0);
    expect(await readFile(elsewhere, 'utf8')).toContain('"people show"');
    // Recording off, pv people rm still removes the person from the trail kept beside the store.
    expect(await readFile(trailFile, 'utf8')).toContain('"Bob"');
    const erased = await runPv(['people', 'rm', 'Bob', '--store', store], work, { PV_AUDIT: 'off' });
    expect(erased.code, erased.stderr).toBe(0);
    const after = await readFile(trailFile, 'utf8');
    expect(after).not.toContain('"Bob"');
    expect(after.trim().split('\n')).toHaveLength(lines);
    expect((await runPvJson<{ ok: boolean }>(['audit', '--store', store, '--verify'], work)).json.ok).toBe(true);
  });
});
