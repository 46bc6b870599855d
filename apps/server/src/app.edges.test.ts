// The server's edges without a face model: key scopes (a "master face" cannot be planted by an ordinary
// key), strict embedding checks, malformed multipart bodies, long and encoded labels in paths, and the
// one error format for what the router refuses.
import { afterEach, describe, expect, test } from 'vitest';
import { closeApps, KEY_A, serveApp } from './app-test.fixture.js';
import { fetchJson, postJson } from './test-support.fixture.js';

afterEach(closeApps);

const ALL = 'all-scopes-key-0123456789';
const EMBEDDER = 'embedder-key-0123456789';
const READER = 'reader-key-0123456789';
const KEYS = [`${ALL}:read+enroll-image+enroll-embedding+admin`, `${EMBEDDER}:enroll-embedding`, `${READER}:read`, KEY_A];

interface ErrorReplyBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Record<string, unknown> };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A deterministic pseudo-random unit vector of 512 dimensions. */
function unitVector(seed: number): number[] {
  let state = seed >>> 0 || 1;
  const values = Array.from({ length: 512 }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
  const norm = Math.hypot(...values);
  return values.map((value) => value / norm);
}

function expectError(reply: { status: number; body: unknown }, status: number, code: string): ErrorReplyBody['error'] {
  expect(reply.status).toBe(status);
  const { error } = reply.body as ErrorReplyBody;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(Object.keys(reply.body as object)).toEqual(['error']);
  return error;
}

describe('key scopes', () => {
  test('a key without the scope a route needs gets 403 naming the scope', async () => {
    const url = await serveApp({ apiKeys: KEYS });
    expect((await fetchJson(`${url}/v1/subjects`, { headers: bearer(READER) })).status).toBe(200);
    const del = await fetchJson(`${url}/v1/subjects/anyone`, { method: 'DELETE', headers: bearer(READER) });
    expect(expectError(del, 403, 'E_FORBIDDEN').details).toEqual({ scope: 'admin' });
    const list = await fetchJson(`${url}/v1/subjects`, { headers: bearer(EMBEDDER) });
    expect(expectError(list, 403, 'E_FORBIDDEN').details).toEqual({ scope: 'read' });
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(16)]), 'x.jpg');
    const upload = await fetchJson(`${url}/v1/subjects/anyone/faces`, { method: 'POST', headers: bearer(READER), body: form });
    expect(expectError(upload, 403, 'E_FORBIDDEN').details).toEqual({ scope: 'enroll-image' });
  });

  test('a "master face" (the normalised mean of the gallery) cannot be enrolled by a key without enroll-embedding', async () => {
    const url = await serveApp({ apiKeys: KEYS });
    const enrolled: number[][] = [];
    for (let person = 0; person < 8; person++) {
      for (let photo = 0; photo < 2; photo++) {
        const embedding = unitVector(person * 100 + photo + 1);
        const reply = await postJson(`${url}/v1/subjects/person-${person}/faces`, { embedding, modelId: 'mobilefacenet' }, bearer(ALL));
        expect(reply.status).toBe(201);
        enrolled.push(embedding);
      }
    }
    const sum = enrolled[0]?.map((_, i) => enrolled.reduce((total, vector) => total + (vector[i] as number), 0)) ?? [];
    const norm = Math.hypot(...sum);
    const master = sum.map((value) => value / norm);

    // An ordinary key (plain, default scopes) and a read-only key are refused before the body is read.
    for (const key of [KEY_A, READER]) {
      const refused = await postJson(`${url}/v1/subjects/master/faces`, { embedding: master, modelId: 'mobilefacenet' }, bearer(key));
      expect(expectError(refused, 403, 'E_FORBIDDEN').details).toEqual({ scope: 'enroll-embedding' });
    }
    const subjects = await fetchJson<{ subjects: { label: string }[] }>(`${url}/v1/subjects`, { headers: bearer(KEY_A) });
    expect(subjects.body.subjects.map((subject) => subject.label)).not.toContain('master');
    // Only a key granted enroll-embedding may.
    expect((await postJson(`${url}/v1/subjects/master/faces`, { embedding: master, modelId: 'mobilefacenet' }, bearer(EMBEDDER))).status).toBe(201);
  });
});

describe('embeddings are checked strictly', () => {
  const good = unitVector(7);
  const send = (url: string, body: unknown) => postJson(`${url}/v1/subjects/someone/faces`, body, bearer(ALL));

  test.each([
    ['null', [null, ...good.slice(1)], 400, 'E_BAD_EMBEDDING'],
    ['a string "0.5"', ['0.5', ...good.slice(1)], 400, 'E_BAD_EMBEDDING'],
    ['a boolean', [true, ...good.slice(1)], 400, 'E_BAD_EMBEDDING'],
    ['one value short', good.slice(1), 422, 'E_DIM_MISMATCH'],
    ['one value too many', [...good, 0], 422, 'E_DIM_MISMATCH'],
    ['twice unit length', good.map((value) => value * 2), 422, 'E_BAD_EMBEDDING'],
    ['all zeros', good.map(() => 0), 422, 'E_BAD_EMBEDDING'],
    ['an unnormalised mean', good.map((value, i) => (value + (unitVector(8)[i] as number)) / 2), 422, 'E_BAD_EMBEDDING'],
  ])('%s is refused', async (_name, embedding, status, code) => {
    const url = await serveApp({ apiKeys: KEYS });
    expectError(await send(url, { embedding, modelId: 'mobilefacenet' }), status, code);
  });

  test('a value too large for a double (1e400 reads as Infinity) is refused', async () => {
    const url = await serveApp({ apiKeys: KEYS });
    const text = `{"modelId":"mobilefacenet","embedding":[1e400,${good.slice(1).join(',')}]}`;
    const reply = await fetchJson(`${url}/v1/subjects/someone/faces`, { method: 'POST', headers: { ...bearer(ALL), 'content-type': 'application/json' }, body: text });
    expectError(reply, 400, 'E_BAD_EMBEDDING');
  });

  test("another model's id is refused; unit length within the tolerance is accepted", async () => {
    const url = await serveApp({ apiKeys: KEYS });
    expectError(await send(url, { embedding: good, modelId: 'facenet-vggface2' }), 409, 'E_MODEL_MISMATCH');
    expect((await send(url, { embedding: good.map((value) => value * 1.0005), modelId: 'mobilefacenet' })).status).toBe(201);
    const nearly = await send(url, { embedding: good.map((value) => value * 1.002), modelId: 'mobilefacenet' });
    expect(expectError(nearly, 422, 'E_BAD_EMBEDDING').details).toMatchObject({ tolerance: 0.001 });
  });

  test('identify and verify check their embeddings the same way', async () => {
    const url = await serveApp({ apiKeys: KEYS });
    expectError(await postJson(`${url}/v1/identify`, { modelId: 'mobilefacenet', faces: [{ embedding: [null, ...good.slice(1)] }] }, bearer(ALL)), 400, 'E_BAD_EMBEDDING');
    expectError(await postJson(`${url}/v1/subjects/x/verify`, { modelId: 'mobilefacenet', embedding: ['0.5', ...good.slice(1)] }, bearer(ALL)), 400, 'E_BAD_EMBEDDING');
  });
});

describe('malformed multipart bodies are 400 in the error format', () => {
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
  const part = (disposition: string) => Buffer.concat([Buffer.from(`--XyZ\r\nContent-Disposition: ${disposition}\r\nContent-Type: image/jpeg\r\n\r\n`), jpeg]);

  test.each([
    ['a truncated body', part('form-data; name="image"; filename="a.jpg"'), 'multipart/form-data; boundary=XyZ'],
    ['a boundary that never occurs', Buffer.concat([part('form-data; name="image"; filename="a.jpg"'), Buffer.from('\r\n--XyZ--\r\n')]), 'multipart/form-data; boundary=Other'],
    ['no boundary at all', Buffer.from('--XyZ--\r\n'), 'multipart/form-data'],
    ['a part without a name', Buffer.concat([part('form-data; filename="a.jpg"'), Buffer.from('\r\n--XyZ--\r\n')]), 'multipart/form-data; boundary=XyZ'],
    ['a malformed part header', Buffer.from('--XyZ\r\nthis is no header\r\n\r\nabc\r\n--XyZ--\r\n'), 'multipart/form-data; boundary=XyZ'],
  ])('%s', async (_name, body, contentType) => {
    const url = await serveApp({ apiKeys: KEYS });
    for (const path of ['/v1/subjects/someone/faces', '/v1/identify', '/v1/compare']) {
      const reply = await fetchJson(`${url}${path}`, { method: 'POST', headers: { ...bearer(ALL), 'content-type': contentType }, body });
      expect(reply.status, path).toBe(400);
      expect((reply.body as unknown as ErrorReplyBody).error.code, path).toBe('E_BAD_REQUEST');
      expect(Object.keys(reply.body), path).toEqual(['error']);
    }
  });
});

describe('labels in paths', () => {
  test.each([
    ['128 ASCII characters', 'a'.repeat(128)],
    ['128 multi-byte characters', 'é'.repeat(64) + '😀'.repeat(64)],
    ['characters that must be percent-encoded', `Zoë 50% & co?#${'x'.repeat(100)}`],
  ])('%s: enroll, list and delete', async (_name, label) => {
    const url = await serveApp({ apiKeys: KEYS });
    const path = `${url}/v1/subjects/${encodeURIComponent(label)}`;
    const enrolled = await postJson<{ face: { label: string } }>(`${path}/faces`, { embedding: unitVector(3), modelId: 'mobilefacenet' }, bearer(ALL));
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.face.label).toBe(label);
    const listed = await fetchJson<{ label: string; faces: unknown[] }>(`${path}/faces`, { headers: bearer(ALL) });
    expect(listed.status).toBe(200);
    expect(listed.body.label).toBe(label);
    expect(listed.body.faces).toHaveLength(1);
    const deleted = await fetchJson<{ deleted: number }>(path, { method: 'DELETE', headers: bearer(ALL) });
    expect(deleted.status).toBe(200);
    expect(deleted.body.deleted).toBe(1);
  });

  test('129 characters break the label rule: 400 in the error format', async () => {
    const url = await serveApp({ apiKeys: KEYS });
    const reply = await postJson(`${url}/v1/subjects/${'a'.repeat(129)}/faces`, { embedding: unitVector(3), modelId: 'mobilefacenet' }, bearer(ALL));
    expectError(reply, 400, 'E_INVALID_ARGUMENT');
  });

  test("what the router refuses is answered in pv's error format", async () => {
    const url = await serveApp({ apiKeys: KEYS });
    expectError(await fetchJson(`${url}/v1/subjects/${'a'.repeat(3000)}/faces`, { headers: bearer(ALL) }), 414, 'E_URI_TOO_LONG');
    expectError(await fetchJson(`${url}/v1/subjects/%E0%A4%A/faces`, { headers: bearer(ALL) }), 400, 'E_BAD_REQUEST');
    expectError(await fetchJson(`${url}/v1/nowhere`, { headers: bearer(ALL) }), 404, 'E_ROUTE_NOT_FOUND');
    const brokenJson = await fetchJson(`${url}/v1/subjects/x/faces`, { method: 'POST', headers: { ...bearer(ALL), 'content-type': 'application/json' }, body: '{"embedding": [0.1,' });
    expectError(brokenJson, 400, 'E_BAD_REQUEST');
    const emptyJson = await fetchJson(`${url}/v1/identify`, { method: 'POST', headers: { ...bearer(ALL), 'content-type': 'application/json' }, body: '' });
    expectError(emptyJson, 400, 'E_BAD_REQUEST');
  });
});
