import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail, auditTrailPathFor, localActor, type AuditEntry } from './index.js';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-audit-'));
  file = auditTrailPathFor(path.join(dir, 'faces.pvstore'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const key = { kind: 'api-key', id: 'key-7' } as const;

async function all(trail: AuditTrail, filter = {}): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for await (const entry of trail.entries(filter)) entries.push(entry);
  return entries;
}

describe('AuditTrail', () => {
  it('appends entries beside the store, owner-only, and reads them back with filters', async () => {
    const trail = await AuditTrail.open(file);
    const audit = trail.as(key, '203.0.113.9');
    await audit.record({ action: 'enroll', subjects: ['alice'], recordIds: [['a1', 'a2']], count: 2, store: 'faces.pvstore' });
    await audit.record({ action: 'search', subjects: ['alice', 'bob'], count: 2 });
    await trail.as(localActor().actor, localActor().origin).record({ action: 'delete', subjects: ['bob'], count: 1 });
    expect(file).toBe(path.join(dir, 'faces.pvstore.audit.jsonl'));
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const reopened = await AuditTrail.open(file);
    const entries = await all(reopened);
    expect(entries.map((e) => [e.seq, e.action, e.actor.id])).toEqual([
      [1, 'enroll', 'key-7'],
      [2, 'search', 'key-7'],
      [3, 'delete', localActor().actor.id],
    ]);
    expect(entries[0]).toMatchObject({ origin: '203.0.113.9', count: 2, store: 'faces.pvstore', outcome: 'ok', subjects: [{ label: 'alice', recordIds: ['a1', 'a2'] }] });
    expect(entries[2]?.origin).toMatch(/^cli@/u);
    expect((await all(reopened, { subject: 'bob' })).map((e) => e.seq)).toEqual([2, 3]);
    expect((await all(reopened, { action: 'search' })).map((e) => e.seq)).toEqual([2]);
    expect(await all(reopened, { since: new Date(Date.now() + 60_000) })).toEqual([]);
    // A second handle continues the chain of the first.
    await reopened.append({ action: 'export', subjects: ['alice'] }, key, '::1');
    await audit.record({ action: 'search', subjects: ['carol'] });
    expect(await (await AuditTrail.open(file)).verify()).toEqual({ ok: true, entries: 5, erasedSubjects: 0 });
  });

  it('refuses vectors, images and unknown actions, writing nothing', async () => {
    const trail = await AuditTrail.open(file);
    const bad: unknown[] = [
      { action: 'enroll', subjects: [new Float32Array(4)] },
      { action: 'enroll', subjects: ['alice'], recordIds: [[Buffer.from('x')]] },
      { action: 'enroll', detail: new Uint8Array(3) },
      { action: 'look' },
      { action: 'enroll', subjects: ['a', 'b'], recordIds: [['x']] },
    ];
    for (const event of bad) await expectPvError(trail.append(event as never, key, 'here'), 'E_INVALID_ARGUMENT');
    await expectPvError(trail.append({ action: 'enroll' }, { kind: 'root', id: 'x' } as never, 'here'), 'E_INVALID_ARGUMENT');
    expect(await all(trail)).toEqual([]);
  });

  it('finds an edited, removed or reordered line', async () => {
    const trail = await AuditTrail.open(file);
    for (const subject of ['alice', 'bob', 'carol']) await trail.append({ action: 'enroll', subjects: [subject], count: 1 }, key, 'here');
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    const cases: [string, string[]][] = [
      ['edited', [lines[0] as string, (lines[1] as string).replace('"count":1', '"count":9'), lines[2] as string]],
      ['edited subject', [lines[0] as string, (lines[1] as string).replace('"bob"', '"eve"'), lines[2] as string]],
      ['removed', [lines[0] as string, lines[2] as string]],
      ['reordered', [lines[1] as string, lines[0] as string, lines[2] as string]],
    ];
    for (const [, body] of cases) {
      await writeFile(file, `${body.join('\n')}\n`);
      const result = await (await AuditTrail.open(file)).verify();
      expect(result.ok).toBe(false);
      expect(result.problem?.line).toBeLessThanOrEqual(2);
    }
  });

  it('erases a person from every entry and still verifies; nothing of the name is left', async () => {
    const trail = await AuditTrail.open(file);
    await trail.append({ action: 'enroll', subjects: ['alice-smith'], recordIds: [['alice-smith/1']], count: 1 }, key, 'here');
    await trail.append({ action: 'search', subjects: ['bob', 'alice-smith'] }, key, 'here');
    await trail.append({ action: 'enroll', subjects: ['bob'] }, key, 'here');
    expect(await trail.erasePerson('alice-smith')).toBe(2);
    expect(await readFile(file, 'utf8')).not.toContain('alice-smith');
    expect(await trail.verify()).toEqual({ ok: true, entries: 3, erasedSubjects: 2 });
    const entries = await all(trail);
    expect(entries[1]?.subjects).toEqual([{ label: 'bob', recordIds: [] }, null]);
    await trail.append({ action: 'delete', subjects: ['bob'] }, key, 'here');
    expect((await trail.verify()).ok).toBe(true);
  });

  it('refuses a trail whose last line is not an entry (E_STORE_CORRUPT) and leaves it', async () => {
    await writeFile(file, 'hello\n');
    await expectPvError(AuditTrail.open(file), 'E_STORE_CORRUPT');
    expect(await readFile(file, 'utf8')).toBe('hello\n');
  });
});
