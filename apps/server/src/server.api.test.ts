// The /v1 API through real HTTP on 127.0.0.1, with the real models on one worker thread.
import { deflateSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FaceRecognizer } from '@pv/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  AUTH,
  TEST_KEY,
  celebaImage,
  fetchJson,
  imageForm,
  lfwImage,
  postJson,
  repoRoot,
  startTestServer,
  type JsonResponse,
  type TestServer,
} from './test-support.fixture.js';

const alice1 = celebaImage('7206', '182757');
const alice2 = celebaImage('7206', '183064');
const bob1 = celebaImage('7268', '183545');
const bob2 = celebaImage('7268', '184559');
const carol = lfwImage('Abel_Pacheco', 1);

interface ErrorReplyBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

let test_: TestServer;
let url: string;
let recognizer: FaceRecognizer;
/** Every error body seen, checked at the end for stack traces and paths. */
const errorBodies: string[] = [];

function remember<T>(response: JsonResponse<T>): JsonResponse<T> {
  if (response.status >= 400) errorBodies.push(JSON.stringify(response.body));
  return response;
}

async function post(path: string, files: Record<string, Uint8Array | string>, headers: Record<string, string> = { ...AUTH }): Promise<JsonResponse<Record<string, any>>> {
  return remember(await fetchJson(`${url}${path}`, { method: 'POST', body: await imageForm(files), headers }));
}

/** The embedding of a photo's main face, as a browser in private mode would compute it. */
async function embeddingOf(file: string): Promise<number[]> {
  const [face] = await recognizer.embedFaces(file);
  return Array.from(face?.embedding ?? []);
}

/** A PNG whose header claims `width` x `height` pixels, with almost no data: a decompression bomb's shape. */
function pngBomb(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

beforeAll(async () => {
  test_ = await startTestServer({ maxImageBytes: 1024 * 1024, maxBodyBytes: 256 * 1024 });
  url = test_.url;
  recognizer = await createFaceRecognizer();
});

afterAll(async () => {
  await test_?.server.close();
  await recognizer?.close();
});

describe('happy paths', () => {
  test('enroll from an image, list subjects and faces, identify another photo of the person', async () => {
    const enrolled = await post('/v1/subjects/alice/faces', { image: alice1 });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.face).toMatchObject({ label: 'alice', id: expect.any(String), box: { width: expect.any(Number) } });
    expect(enrolled.body.face).not.toHaveProperty('embedding');
    expect(Date.parse(enrolled.body.face.createdAt)).not.toBeNaN();
    expect((await post('/v1/subjects/bob/faces', { image: bob1 })).status).toBe(201);

    const subjects = await fetchJson<{ subjects: { label: string; count: number }[] }>(`${url}/v1/subjects`, { headers: AUTH });
    expect(subjects.status).toBe(200);
    expect(subjects.body.subjects).toEqual(expect.arrayContaining([{ label: 'alice', count: 1 }, { label: 'bob', count: 1 }]));

    const faces = await fetchJson<{ faces: { id: string }[] }>(`${url}/v1/subjects/alice/faces`, { headers: AUTH });
    expect(faces.body.faces.map((f) => f.id)).toEqual([enrolled.body.face.id]);

    const identified = await post('/v1/identify?k=2', { image: alice2 });
    expect(identified.status).toBe(200);
    expect(identified.body.metric).toBe('cosine');
    expect(identified.body.image).toEqual({ width: expect.any(Number), height: expect.any(Number) });
    expect(identified.body.faces).toHaveLength(1);
    const [face] = identified.body.faces;
    expect(face.prediction).toBe('alice');
    expect(face.candidates.map((c: { label: string }) => c.label)).toEqual(['alice', 'bob']);
    expect(face.candidates[0].distance).toBeLessThan(identified.body.threshold);
    expect(face.box.width).toBeGreaterThan(0);
  });

  test('identify reports a stranger as unknown and a photo without faces as an empty list', async () => {
    const stranger = await post('/v1/identify', { image: carol });
    expect(stranger.status).toBe(200);
    expect(stranger.body.faces[0].prediction).toBe('unknown');
    const blank = await sharp({ create: { width: 200, height: 160, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
    const empty = await post('/v1/identify', { image: blank });
    expect(empty.status).toBe(200);
    expect(empty.body.faces).toEqual([]);
  });

  test('private mode: enroll, verify and identify with precomputed embeddings', async () => {
    const embedding = await embeddingOf(alice2);
    const modelId = 'mobilefacenet';
    const enrolled = await postJson(`${url}/v1/subjects/alice-embedded/faces`, { embedding, modelId }, AUTH);
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.face).not.toHaveProperty('box');

    const verified = await postJson(`${url}/v1/subjects/alice/verify`, { embedding, modelId }, AUTH);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ label: 'alice', match: true });

    const box = { x: 1, y: 2, width: 30, height: 40 };
    const identified = await postJson<{ faces: { prediction: string; box: unknown; candidates: unknown[] }[] }>(
      `${url}/v1/identify?k=1`,
      { modelId, faces: [{ embedding, box, score: 0.9 }, { embedding: await embeddingOf(carol) }] },
      AUTH,
    );
    expect(identified.status).toBe(200);
    expect(identified.body.faces[0]).toMatchObject({ prediction: 'alice-embedded', box });
    expect(identified.body.faces[0]?.candidates).toHaveLength(1);
    expect(identified.body.faces[1]).toMatchObject({ prediction: 'unknown' });
    expect(identified.body.faces[1]).not.toHaveProperty('box');
  });

  test('verify an image against a subject: the same person matches, another does not', async () => {
    const same = await post('/v1/subjects/alice/verify', { image: alice2 });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ label: 'alice', match: true, face: { score: expect.any(Number) } });
    expect(same.body.distance).toBeLessThanOrEqual(same.body.threshold);
    const other = await post('/v1/subjects/alice/verify', { image: bob2 });
    expect(other.body).toMatchObject({ match: false, prediction: 'bob' });
    expect(other.body.nearestDistance).toBeLessThan(other.body.distance);
  });

  test('compare two images without an API key', async () => {
    const same = await post('/v1/compare', { a: alice1, b: alice2 }, {});
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ match: true, metric: 'cosine', faces: { a: { box: expect.any(Object) }, b: { box: expect.any(Object) } } });
    const different = await post('/v1/compare', { a: alice1, b: bob1 }, {});
    expect(different.body.match).toBe(false);
    expect(different.body.distance).toBeGreaterThan(same.body.distance);
  });

  test('delete a face, then a subject; both are gone afterwards', async () => {
    const enrolled = await postJson<{ face: { id: string } }>(`${url}/v1/subjects/temp/faces`, { embedding: await embeddingOf(carol), modelId: 'mobilefacenet' }, AUTH);
    await postJson(`${url}/v1/subjects/temp/faces`, { embedding: await embeddingOf(carol), modelId: 'mobilefacenet' }, AUTH);
    const deleted = await fetch(`${url}/v1/faces/${enrolled.body.face.id}`, { method: 'DELETE', headers: AUTH });
    expect(deleted.status).toBe(204);
    expect((await fetch(`${url}/v1/faces/${enrolled.body.face.id}`, { method: 'DELETE', headers: AUTH })).status).toBe(404);
    const subject = await fetchJson(`${url}/v1/subjects/temp`, { method: 'DELETE', headers: AUTH });
    expect(subject).toMatchObject({ status: 200, body: { label: 'temp', deleted: 1 } });
    const again = remember(await fetchJson<ErrorReplyBody>(`${url}/v1/subjects/temp`, { method: 'DELETE', headers: AUTH }));
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('E_NOT_FOUND');
  });

  test('info, health, readiness and the OpenAPI document', async () => {
    const info = await fetchJson(`${url}/v1/info`);
    expect(info.body).toMatchObject({ model: { id: 'mobilefacenet', dimension: 512 }, metric: 'cosine', threshold: 0.72 });
    expect((await fetchJson(`${url}/healthz`)).body).toEqual({ status: 'ok' });
    expect(await fetchJson(`${url}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });

    const doc = await fetchJson<{ openapi: string; paths: Record<string, Record<string, any>> }>(`${url}/openapi.json`);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/subjects',
        '/v1/subjects/{label}/faces',
        '/v1/subjects/{label}',
        '/v1/faces/{id}',
        '/v1/subjects/{label}/verify',
        '/v1/subjects/{label}/export',
        '/v1/identify',
        '/v1/compare',
        '/healthz',
        '/readyz',
      ]),
    );
    const validation = await new Validator().validate(doc.body as unknown as Record<string, unknown>);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    const enroll = doc.body.paths['/v1/subjects/{label}/faces']?.post;
    expect(Object.keys(enroll.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
    expect(enroll.requestBody.content['multipart/form-data'].schema.properties.image).toMatchObject({ type: 'string', format: 'binary' });
    expect(enroll.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(enroll.responses)).toEqual(expect.arrayContaining(['201', '401', '403', '413', '415', '422', '503']));
  });
});

describe('authentication', () => {
  const protectedRoutes: { method: string; path: string }[] = [
    { method: 'GET', path: '/v1/subjects' },
    { method: 'GET', path: '/v1/subjects/alice/faces' },
    { method: 'POST', path: '/v1/subjects/alice/faces' },
    { method: 'DELETE', path: '/v1/subjects/alice' },
    { method: 'DELETE', path: '/v1/faces/some-id' },
    { method: 'POST', path: '/v1/subjects/alice/verify' },
    { method: 'POST', path: '/v1/identify' },
  ];

  test.each(protectedRoutes)('$method $path: 401 without a key, 403 with a wrong one', async ({ method, path }) => {
    const missing = remember(await fetchJson<ErrorReplyBody>(`${url}${path}`, { method }));
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('E_UNAUTHORIZED');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = remember(await fetchJson<ErrorReplyBody>(`${url}${path}`, { method, headers: { authorization: `Bearer ${TEST_KEY}x` } }));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('E_FORBIDDEN');
    const wrongHeader = await fetchJson(`${url}${path}`, { method, headers: { 'x-api-key': 'not-the-key-at-all-123' } });
    expect(wrongHeader.status).toBe(403);
  });

  test('X-API-Key is accepted as well as a bearer token; the subject list is unchanged by failed attempts', async () => {
    const viaHeader = await fetchJson<{ subjects: unknown[] }>(`${url}/v1/subjects`, { headers: { 'x-api-key': TEST_KEY } });
    expect(viaHeader.status).toBe(200);
    const viaBearer = await fetchJson<{ subjects: unknown[] }>(`${url}/v1/subjects`, { headers: AUTH });
    expect(viaHeader.body.subjects).toEqual(viaBearer.body.subjects);
  });

  test('an unauthenticated upload is refused before the image is looked at', async () => {
    const refused = await post('/v1/subjects/alice/faces', { image: new Uint8Array([1, 2, 3]) }, {});
    expect(refused.status).toBe(401);
  });
});

describe('hostile and invalid input', () => {
  test('413 for an image over the upload limit and a JSON body over the body limit', async () => {
    const big = new Uint8Array(1024 * 1024 + 10).fill(7);
    big.set([0xff, 0xd8, 0xff]);
    const image = await post('/v1/identify', { image: big });
    expect(image.status).toBe(413);
    expect(image.body.error.code).toBe('E_PAYLOAD_TOO_LARGE');
    const json = remember(await postJson<ErrorReplyBody>(`${url}/v1/identify`, { modelId: 'x', faces: [], pad: 'x'.repeat(300 * 1024) }, AUTH));
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('E_PAYLOAD_TOO_LARGE');
  });

  test('415 for non-images whatever the Content-Type says', async () => {
    const text = new TextEncoder().encode('hello, I am certainly a JPEG');
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    const heic = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0, ...new TextEncoder().encode('mif1heic')]);
    for (const bytes of [text, svg, heic, new Uint8Array(0)]) {
      const refused = await post('/v1/identify', { image: bytes });
      expect(refused.status).toBe(415);
      expect(refused.body.error.code).toBe('E_UNSUPPORTED_MEDIA_TYPE');
    }
    const plain = remember(await fetchJson<ErrorReplyBody>(`${url}/v1/identify`, { method: 'POST', headers: { ...AUTH, 'content-type': 'text/plain' }, body: 'x' }));
    expect(plain.status).toBe(415);
  });

  test('422 for decompression bombs, read from the header before decoding', async () => {
    const bomb = await post('/v1/identify', { image: pngBomb(30_000, 30_000) });
    expect(bomb.status).toBe(422);
    expect(bomb.body.error).toMatchObject({ code: 'E_BAD_IMAGE', details: { width: 30_000, height: 30_000, pixels: 900_000_000, limit: 40_000_000 } });
    const gif = new Uint8Array([...new TextEncoder().encode('GIF89a'), 0x40, 0x9c, 0x40, 0x9c, 0, 0, 0, 0x2c, 0, 0, 0, 0, 0x40, 0x9c, 0x40, 0x9c, 0, 2, 2, 0x44, 0x01, 0, 0x3b]);
    const gifBomb = await post('/v1/identify', { image: gif });
    expect(gifBomb.status).toBe(422);
    expect(gifBomb.body.error.details).toMatchObject({ width: 40_000, height: 40_000 });
  });

  test('422 for a truncated image (refused by the decoder in the worker) and for a photo without a face on enroll', async () => {
    const photo = await readFile(alice1);
    const truncated = await post('/v1/identify', { image: photo.subarray(0, Math.floor(photo.length / 3)) });
    expect(truncated.status).toBe(422);
    expect(truncated.body.error.code).toBe('E_BAD_IMAGE');
    const blank = await sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 20, g: 20, b: 20 } } }).jpeg().toBuffer();
    const noFace = await post('/v1/subjects/nobody/faces', { image: blank });
    expect(noFace.status).toBe(422);
    expect(noFace.body.error.code).toBe('E_NO_FACE');
  });

  test('404 for unknown subjects', async () => {
    const verify = await post('/v1/subjects/nobody-at-all/verify', { image: alice2 });
    expect(verify.status).toBe(404);
    expect(verify.body.error.code).toBe('E_NOT_FOUND');
    const faces = remember(await fetchJson(`${url}/v1/subjects/nobody-at-all/faces`, { headers: AUTH }));
    expect(faces.status).toBe(404);
    const embedded = remember(await postJson(`${url}/v1/subjects/nobody-at-all/verify`, { embedding: await embeddingOf(alice2), modelId: 'mobilefacenet' }, AUTH));
    expect(embedded.status).toBe(404);
  });

  test('embeddings of another model (409), of the wrong length (422), without unit length (422) or with non-numbers (400) are refused', async () => {
    const embedding = await embeddingOf(alice1);
    const otherModel = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/x/faces`, { embedding, modelId: 'facenet-vggface2' }, AUTH));
    expect(otherModel.status).toBe(409);
    expect(otherModel.body.error).toMatchObject({ code: 'E_MODEL_MISMATCH', details: { expected: 'mobilefacenet', actual: 'facenet-vggface2' } });
    const short = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/x/faces`, { embedding: embedding.slice(0, 128), modelId: 'mobilefacenet' }, AUTH));
    expect(short.status).toBe(422);
    expect(short.body.error.code).toBe('E_DIM_MISMATCH');
    const zero = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/x/faces`, { embedding: embedding.map(() => 0), modelId: 'mobilefacenet' }, AUTH));
    expect(zero.status).toBe(422);
    expect(zero.body.error.code).toBe('E_BAD_EMBEDDING');
    const strings = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/x/faces`, { embedding: ['a'], modelId: 'mobilefacenet' }, AUTH));
    expect(strings.status).toBe(400);
    expect(strings.body.error.code).toBe('E_BAD_EMBEDDING');
    const subjects = await fetchJson<{ subjects: { label: string }[] }>(`${url}/v1/subjects`, { headers: AUTH });
    expect(subjects.body.subjects.map((s) => s.label)).not.toContain('x');
  });

  test('labels: "unknown" is reserved, control characters are refused', async () => {
    const reserved = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/unknown/faces`, { embedding: await embeddingOf(carol), modelId: 'mobilefacenet' }, AUTH));
    expect(reserved.status).toBe(400);
    expect(reserved.body.error.code).toBe('E_INVALID_ARGUMENT');
    // Enrolling applies the label rule; reading takes any label (subjects stored before the rule stay reachable).
    const control = remember(await postJson<ErrorReplyBody>(`${url}/v1/subjects/a%01b/faces`, { embedding: await embeddingOf(carol), modelId: 'mobilefacenet' }, AUTH));
    expect(control.status).toBe(400);
    expect(control.body.error.code).toBe('E_INVALID_ARGUMENT');
    expect((await fetchJson(`${url}/v1/subjects/a%01b/faces`, { headers: AUTH })).status).toBe(404);
  });

  test('400 for a request without a body, or with the image sent as a text field', async () => {
    for (const path of ['/v1/identify', '/v1/subjects/alice/faces', '/v1/subjects/alice/verify']) {
      const empty = remember(await fetchJson<ErrorReplyBody>(`${url}${path}`, { method: 'POST', headers: AUTH }));
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('E_BAD_REQUEST');
    }
    const form = new FormData();
    form.append('image', 'not a file');
    const textField = remember(await fetchJson<ErrorReplyBody>(`${url}/v1/identify`, { method: 'POST', headers: AUTH, body: form }));
    expect(textField.status).toBe(400);
  });

  test('unknown routes are JSON 404s', async () => {
    const missing = remember(await fetchJson<ErrorReplyBody>(`${url}/v1/nothing-here`));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('E_ROUTE_NOT_FOUND');
  });
});

describe('concurrency', () => {
  test('concurrent enrolls of the same label all land, with distinct ids', async () => {
    const embeddings = await Promise.all([alice1, alice2, bob1, carol].map(embeddingOf));
    const results = await Promise.all([
      ...embeddings.map((embedding) => postJson<{ face: { id: string } }>(`${url}/v1/subjects/crowd/faces`, { embedding, modelId: 'mobilefacenet' }, AUTH)),
      ...[alice1, alice2, bob1].map((image) => post('/v1/subjects/crowd/faces', { image })),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(7).fill(201));
    expect(new Set(results.map((r) => (r.body as { face: { id: string } }).face.id)).size).toBe(7);
    const faces = await fetchJson<{ faces: unknown[] }>(`${url}/v1/subjects/crowd/faces`, { headers: AUTH });
    expect(faces.body.faces).toHaveLength(7);
  });
});

describe('what leaves the server', () => {
  test('error responses carry no stack traces or file paths', () => {
    expect(errorBodies.length).toBeGreaterThan(20);
    for (const body of errorBodies) {
      expect(body).not.toMatch(/\bat .+:\d+:\d+/);
      expect(body).not.toContain(repoRoot);
      expect(body).not.toMatch(/\/(?:home|root|tmp|work|usr)\//);
    }
  });

  test('logs hold no image bytes, embeddings or API keys', async () => {
    const embedding = await embeddingOf(alice1);
    await postJson(`${url}/v1/subjects/logged/faces`, { embedding, modelId: 'mobilefacenet' }, AUTH);
    await post('/v1/identify', { image: alice1 });
    const logs = test_.logs.text;
    expect(logs).toContain('request completed');
    expect(logs).not.toContain(TEST_KEY);
    expect(logs).not.toContain(String(embedding[0]).slice(0, 10));
    expect(logs).not.toContain(String(embedding[511]).slice(0, 10));
    expect(logs).not.toContain('JFIF');
    expect(logs).not.toContain((await readFile(alice1)).subarray(0, 48).toString('base64').slice(0, 40));
  });
});
