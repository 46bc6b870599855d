import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStoreAuditTrail, storeAuditTrailPath, withoutPassword } from './store-trail.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-store-trail-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('storeAuditTrailPath', () => {
  it('puts the trail beside each kind of store the registry resolves', async () => {
    expect(await storeAuditTrailPath('file:/data/faces.pv')).toBe('/data/faces.pv.audit.jsonl');
    expect(await storeAuditTrailPath('/data/faces.pv')).toBe('/data/faces.pv.audit.jsonl');
    expect(await storeAuditTrailPath('sqlite:/data/faces.db')).toBe('/data/faces.db.audit.jsonl');
    expect(await storeAuditTrailPath('/data/faces.sqlite')).toBe('/data/faces.sqlite.audit.jsonl');
    expect(await storeAuditTrailPath('hnsw:/data/index')).toBe('/data/index/gallery.db.audit.jsonl');
    expect(await storeAuditTrailPath('memory:')).toBeUndefined();
  });

  it('keeps the trail of a store without files in the data folder, the same for any password', async () => {
    const env = { PV_HOME: dir };
    const a = await storeAuditTrailPath('postgres://pv:one@db.example/pv?table=faces', { env });
    const b = await storeAuditTrailPath('postgres://pv:two@db.example/pv?table=faces', { env });
    const other = await storeAuditTrailPath('postgres://pv:one@db.example/pv?table=people', { env });
    expect(a).toMatch(new RegExp(`^${dir}/audit/postgres-[0-9a-f]{16}\\.audit\\.jsonl$`, 'u'));
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    expect(withoutPassword('postgres://pv:secret@h/db')).toBe('postgres://pv@h/db');
  });

  it('follows the settings: a named trail for every store, none when turned off', async () => {
    const named = path.join(dir, 'all.jsonl');
    expect(await storeAuditTrailPath('memory:', { settings: { enabled: true, trail: named } })).toBe(named);
    expect(await storeAuditTrailPath('file:/data/faces.pv', { settings: { enabled: false, trail: named } })).toBeUndefined();
    await expect(storeAuditTrailPath('nosuch:x')).rejects.toThrow(/Unknown store/u);
  });
});

describe('openStoreAuditTrail', () => {
  it('creates the folder and opens the trail, which records to the expected file', async () => {
    const trail = await openStoreAuditTrail(`sqlite:${path.join(dir, 'deep', 'faces.db')}`);
    expect(trail?.file).toBe(path.join(dir, 'deep', 'faces.db.audit.jsonl'));
    await trail?.as({ kind: 'local-user', id: 'ann' }, 'cli@host').record({ action: 'search', subjects: ['alice'] });
    expect((await stat(path.join(dir, 'deep', 'faces.db.audit.jsonl'))).mode & 0o777).toBe(0o600);
    expect(await openStoreAuditTrail('memory:')).toBeUndefined();
  });
});
