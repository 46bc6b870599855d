import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AuditTrail, storeAuditTrailPath } from '@pv/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pv } from './run-pv.fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-cli-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pv audit', () => {
  it('refuses a store that keeps no trail without --trail', async () => {
    const result = await pv('audit', '--store', 'memory:');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--trail/u);
  });

  it('lists entries with filters, as text and JSON, and verifies the chain', async () => {
    const store = path.join(dir, 'faces.pv');
    const trail = await AuditTrail.open((await storeAuditTrailPath(`file:${store}`)) as string);
    await trail.append({ action: 'enroll', subjects: ['alice'], count: 2 }, { kind: 'local-user', id: 'ann' }, 'cli@host');
    await trail.append({ action: 'search', subjects: ['alice', 'bob'] }, { kind: 'api-key', id: 'key-1' }, '192.0.2.4');

    const text = await pv('audit', '--store', `file:${store}`);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/local-user:ann @ cli@host {2}enroll ×2 {2}alice/u);
    expect(text.stdout).toMatch(/api-key:key-1 @ 192\.0\.2\.4 {2}search {2}alice, bob/u);

    const json = await pv('audit', '--store', `file:${store}`, '--action', 'search', '--json');
    const parsed = JSON.parse(json.stdout) as { entries: { seq: number; actor: { id: string } }[] };
    expect(parsed.entries.map((e) => [e.seq, e.actor.id])).toEqual([[2, 'key-1']]);

    const verified = await pv('audit', '--trail', trail.file, '--verify', '--json');
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, entries: 2 });

    await writeFile(trail.file, (await readFile(trail.file, 'utf8')).replace('"count":2', '"count":3'));
    const broken = await pv('audit', '--trail', trail.file, '--verify');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/line 1: .*edited/u);
  });

  it('refuses a bad time with exit code 2', async () => {
    const result = await pv('audit', '--trail', path.join(dir, 'none.jsonl'), '--since', 'yesterday');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--since/u);
  });
});
