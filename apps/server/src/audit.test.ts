// The server's audit trail, on a real server (models, worker, file store): every /v1 and CompreFace
// mutation and identity read is recorded with the API key's id (never the key) and the client's address;
// GET /v1/subjects/{label}/export returns a subject's data to an admin key; DELETE erases the subject from
// the store and from the trail's personal fields, and the chain still verifies.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AuditTrail, type AuditEntry } from '@pv/privacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompreFaceKeyStore, defaultKeyFile } from './compreface/keys.js';
import { fileForm } from './compreface/compreface.fixture.js';
import { AUTH, celebaImage, fetchJson, imageForm, startTestServer, tempDir, TEST_KEY, TEST_KEY_SPEC, type TestServer } from './test-support.fixture.js';

const PERSON = 'Alice-Liddell';
const OTHER = 'Bruno-Sylvie';
const READ_KEY = 'read-only-key-0123456789';
let served: TestServer;
let home: { dir: string; remove: () => Promise<void> };
let previousHome: string | undefined;
let recognitionKey = '';
let recognitionKeyId = '';

async function entries(file: string): Promise<AuditEntry[]> {
  const list: AuditEntry[] = [];
  for await (const entry of (await AuditTrail.open(file)).entries()) list.push(entry);
  return list;
}

const v1Trail = (): string => path.join(home.dir, 'faces.pv.audit.jsonl');
const collectionTrail = (): string => path.join(home.dir, 'compreface', `${recognitionKeyId}.pv.audit.jsonl`);

beforeAll(async () => {
  home = await tempDir();
  previousHome = process.env['PV_HOME'];
  process.env['PV_HOME'] = home.dir;
  const created = new CompreFaceKeyStore(defaultKeyFile()).create('recognition');
  recognitionKey = created.key;
  recognitionKeyId = created.info.id;
  served = await startTestServer({ store: `file:${path.join(home.dir, 'faces.pv')}`, apiKeys: [TEST_KEY_SPEC, `${READ_KEY}:read`] });
}, 120_000);

afterAll(async () => {
  await served?.server.close();
  if (previousHome === undefined) delete process.env['PV_HOME'];
  else process.env['PV_HOME'] = previousHome;
  await home?.remove();
});

describe('the server audit trail (/v1)', () => {
  it('records enrollments and identity reads with the key id and the client address', async () => {
    const enrolled = await fetchJson<{ face: { id: string } }>(`${served.url}/v1/subjects/${PERSON}/faces`, {
      method: 'POST',
      headers: AUTH,
      body: await imageForm({ image: celebaImage('7206', '182757') }),
    });
    expect(enrolled.status).toBe(201);
    const other = await fetchJson(`${served.url}/v1/subjects/${OTHER}/faces`, { method: 'POST', headers: AUTH, body: await imageForm({ image: celebaImage('7213', '183431') }) });
    expect(other.status).toBe(201);
    const identified = await fetchJson(`${served.url}/v1/identify`, { method: 'POST', headers: AUTH, body: await imageForm({ image: celebaImage('7206', '183064') }) });
    expect(identified.status).toBe(200);
    const verified = await fetchJson(`${served.url}/v1/subjects/${PERSON}/verify`, {
      method: 'POST',
      headers: { 'x-api-key': READ_KEY },
      body: await imageForm({ image: celebaImage('7206', '183064') }),
    });
    expect(verified.status).toBe(200);
    const faces = await fetchJson(`${served.url}/v1/subjects/${OTHER}/faces`, { headers: { 'x-api-key': READ_KEY } });
    expect(faces.status).toBe(200);

    const list = await entries(v1Trail());
    expect(list.map((e) => [e.action, e.actor.kind, e.actor.id, e.origin, e.detail])).toEqual([
      ['enroll', 'api-key', 'key-1', '127.0.0.1', null],
      ['enroll', 'api-key', 'key-1', '127.0.0.1', null],
      ['search', 'api-key', 'key-1', '127.0.0.1', 'identify'],
      ['search', 'api-key', 'key-2', '127.0.0.1', 'verify'],
      ['search', 'api-key', 'key-2', '127.0.0.1', 'list faces'],
    ]);
    expect(list[4]?.subjects.map((s) => s?.label)).toEqual([OTHER]);
    expect(list[0]?.subjects).toEqual([{ label: PERSON, recordIds: [enrolled.body.face.id] }]);
    expect(list[2]?.subjects.map((s) => s?.label)).toContain(PERSON);
    expect(list[3]?.subjects.map((s) => s?.label)).toContain(PERSON);
    const text = await readFile(v1Trail(), 'utf8');
    expect(text).not.toContain(TEST_KEY);
    expect(text).not.toContain(READ_KEY);
  });

  it('exports a subject to an admin key only, and records the export', async () => {
    const refused = await fetchJson(`${served.url}/v1/subjects/${PERSON}/export`, { headers: { 'x-api-key': READ_KEY } });
    expect(refused.status).toBe(403);
    const exported = await fetchJson<{ label: string; records: { id: string; vector: number[]; box: unknown; modelId: string }[]; audit: AuditEntry[] }>(
      `${served.url}/v1/subjects/${PERSON}/export`,
      { headers: AUTH },
    );
    expect(exported.status).toBe(200);
    expect(exported.body.label).toBe(PERSON);
    expect(exported.body.records).toHaveLength(1);
    expect(exported.body.records[0]).toMatchObject({ modelId: 'mobilefacenet' });
    expect(exported.body.records[0]?.vector).toHaveLength(512);
    expect(exported.body.audit.map((e) => e.action)).toEqual(['enroll', 'search', 'search']);
    const last = (await entries(v1Trail())).at(-1);
    expect(last).toMatchObject({ action: 'export', actor: { id: 'key-1' }, origin: '127.0.0.1' });
    expect(last?.subjects[0]?.label).toBe(PERSON);
    expect((await fetchJson(`${served.url}/v1/subjects/nobody/export`, { headers: AUTH })).status).toBe(404);
  });

  it('DELETE erases the subject from the store and from every audit entry; the chain verifies', async () => {
    const deleted = await fetchJson(`${served.url}/v1/subjects/${PERSON}`, { method: 'DELETE', headers: AUTH });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ label: PERSON, deleted: 1 });
    const text = await readFile(v1Trail(), 'utf8');
    expect(text).not.toContain(PERSON);
    expect(text).toContain(OTHER);
    expect(await readFile(path.join(home.dir, 'faces.pv'))).not.toContain(Buffer.from(PERSON));
    const trail = await AuditTrail.open(v1Trail());
    expect(await trail.verify()).toMatchObject({ ok: true, erasedSubjects: 4 });
    expect((await entries(v1Trail())).at(-1)).toMatchObject({ action: 'erase', actor: { id: 'key-1' }, count: 1, subjects: [] });
    expect((await fetchJson(`${served.url}/v1/subjects/${PERSON}/export`, { headers: AUTH })).status).toBe(404);
    expect((await fetchJson(`${served.url}/v1/subjects/${PERSON}`, { method: 'DELETE', headers: AUTH })).status).toBe(404);
  });
});

describe('the server audit trail (CompreFace API)', () => {
  it("records training, recognition and deletion in the collection's trail with the key's id", async () => {
    const api = `${served.url}/api/v1`;
    const headers = { 'x-api-key': recognitionKey };
    const trained = await fetchJson<{ image_id: string }>(`${api}/recognition/faces?subject=${OTHER}`, { method: 'POST', headers, body: await fileForm(celebaImage('7213', '183431')) });
    expect(trained.status).toBe(200);
    const recognized = await fetchJson(`${api}/recognition/recognize`, { method: 'POST', headers, body: await fileForm(celebaImage('7213', '183431')) });
    expect(recognized.status).toBe(200);
    const removed = await fetchJson(`${api}/recognition/subjects/${OTHER}`, { method: 'DELETE', headers });
    expect(removed.status).toBe(200);

    const list = await entries(collectionTrail());
    expect(list.map((e) => [e.action, e.actor.id, e.origin])).toEqual([
      ['enroll', recognitionKeyId, '127.0.0.1'],
      ['search', recognitionKeyId, '127.0.0.1'],
      ['erase', recognitionKeyId, '127.0.0.1'],
    ]);
    // Erased here; the /v1 store's trail, another store, still names the subject enrolled there.
    expect(list.flatMap((e) => e.subjects)).toEqual([null, null]);
    expect(await readFile(collectionTrail(), 'utf8')).not.toContain(recognitionKey);
    expect((await (await AuditTrail.open(collectionTrail())).verify()).ok).toBe(true);
  });
});
