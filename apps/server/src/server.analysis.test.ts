// Face analyses through the /v1 API on real photos (real models, one worker): POST /v1/analyze, analyses on
// identify and verify, the enrollment review on enroll, and PV_REQUIRE_LIVE. Analysis models load lazily.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUTH, celebaImage, fetchJson, imageForm, lfwImage, postJson, startTestServer, type JsonResponse, type TestServer } from './test-support.fixture.js';

// A frontal, sharp, well-lit CelebA face that passes the strict review (as in the CLI's enroll-review test).
const frontal = celebaImage('7235', '189071');
const alice1 = celebaImage('7206', '182757');
const alice2 = celebaImage('7206', '185455');
// A grayscale LFW photo the liveness check calls not live (liveness ≈ 0.001): one of its measured false rejects.
const grayNotLive = lfwImage('Amber_Tamblyn', 2);

async function post(url: string, files: Record<string, Uint8Array | string>): Promise<JsonResponse<Record<string, any>>> {
  return fetchJson(url, { method: 'POST', body: await imageForm(files), headers: { ...AUTH } });
}

describe('analyses, review and liveness through /v1 (default settings: nothing loaded until asked)', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer();
    url = `${server.url}/v1`;
  }, 180_000);

  afterAll(async () => {
    await server?.server.close();
  });

  test('POST /v1/analyze: every face with the analyses asked for, in pv analyze --json field names', async () => {
    const { status, body } = await post(`${url}/analyze?analyses=liveness,pose,age,gender,quality`, { image: alice1 });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.faces).toHaveLength(1);
    const [face] = body.faces;
    expect(face.face).toBe(1);
    expect(face.box.width).toBeGreaterThan(50);
    expect(face.score).toBeGreaterThan(0.5);
    expect(Object.keys(face.analysis).sort()).toEqual(['age', 'gender', 'liveness', 'pose', 'quality']);
    expect(face.analysis.liveness).toMatchObject({ live: true, threshold: 0.5 });
    expect(face.analysis.age.years).toBeGreaterThan(10);
    expect(face.analysis.age.years).toBeLessThan(80);
    expect(['female', 'male']).toContain(face.analysis.gender.gender);
    expect(face.analysis.quality.faceSize).toBeGreaterThan(50);
    expect(typeof face.analysis.pose.yaw).toBe('number');
    expect(face.review).toBeUndefined();
  });

  test('POST /v1/analyze?review=strict: a darkened copy is rejected as too dark with the measured value; unknown kinds are 400', async () => {
    const dark = await sharp(frontal).linear(0.3, 0).jpeg({ quality: 95 }).toBuffer();
    const { status, body } = await post(`${url}/analyze?analyses=quality&review=strict`, { image: dark });
    expect(status).toBe(200);
    const review = body.faces[0].review;
    expect(review.accepted).toBe(false);
    const tooDark = review.reasons.find((r: { code: string }) => r.code === 'too-dark');
    expect(tooDark.measured).toBeLessThan(tooDark.limit);
    const original = await post(`${url}/analyze?analyses=quality&review=strict`, { image: frontal });
    expect(original.body.faces[0].review).toEqual({ mode: 'strict', accepted: true, reasons: [] });
    const unknown = await post(`${url}/analyze?analyses=mood`, { image: frontal });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('E_INVALID_ARGUMENT');
  });

  test('enroll ?review=strict: the original is enrolled, a blurred copy is refused with 422 and each reason', async () => {
    const enrolled = await post(`${url}/subjects/frontal/faces?review=strict`, { image: frontal });
    expect(enrolled.status, JSON.stringify(enrolled.body)).toBe(201);
    const blurred = await sharp(frontal).blur(4).jpeg({ quality: 95 }).toBuffer();
    const refused = await post(`${url}/subjects/frontal/faces?review=strict`, { image: blurred });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('E_FACE_REJECTED');
    const reason = refused.body.error.details.reasons.find((r: { code: string }) => r.code === 'blurred');
    expect(reason.measured).toBeLessThan(reason.limit);
    expect(reason.message).toMatch(/Sharpness/);
    // The review needs the photo: an embedding cannot be reviewed.
    const embedding = await postJson(`${url}/subjects/frontal/faces?review=standard`, { embedding: [1, 0, 0], modelId: 'mobilefacenet' }, { ...AUTH });
    expect(embedding.status).toBe(400);
  });

  test('identify and verify with ?analyses= return each face’s analyses', async () => {
    expect((await post(`${url}/subjects/alice/faces`, { image: alice1 })).status).toBe(201);
    const identified = await post(`${url}/identify?analyses=pose,liveness`, { image: alice2 });
    expect(identified.status).toBe(200);
    const [face] = identified.body.faces;
    expect(face.prediction).toBe('alice');
    expect(Object.keys(face.analysis).sort()).toEqual(['liveness', 'pose']);
    expect(face.rejected).toBeUndefined();
    const verified = await post(`${url}/subjects/alice/verify?analyses=age`, { image: alice2 });
    expect(verified.status).toBe(200);
    expect(verified.body.match).toBe(true);
    expect(verified.body.face.analysis.age.years).toBeGreaterThan(10);
    // Without ?analyses= the answers carry none.
    const plain = await post(`${url}/identify`, { image: alice2 });
    expect(plain.body.faces[0].analysis).toBeUndefined();
  });
});

describe('PV_REQUIRE_LIVE (requireLive: true)', () => {
  let server: TestServer;
  let url: string;

  beforeAll(async () => {
    server = await startTestServer({ requireLive: true });
    url = `${server.url}/v1`;
    expect((await post(`${url}/subjects/alice/faces`, { image: alice1 })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await server?.server.close();
  });

  test('verify: a live photo is answered; a photo judged not live is 422 E_FACE_REJECTED with the reason and the score', async () => {
    const live = await post(`${url}/subjects/alice/verify`, { image: alice2 });
    expect(live.status).toBe(200);
    expect(live.body.match).toBe(true);
    expect(live.body.face.analysis.liveness.live).toBe(true);
    const refused = await post(`${url}/subjects/alice/verify`, { image: grayNotLive });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('E_FACE_REJECTED');
    expect(refused.body.error.details.reasons).toEqual([expect.objectContaining({ code: 'not-live', limit: 0.5 })]);
    expect(refused.body.error.details.liveness.score).toBeLessThan(0.5);
  });

  test('identify reports a face that is not live as rejected and identifies live ones; enroll refuses it; embeddings are refused', async () => {
    const gray = await post(`${url}/identify`, { image: grayNotLive });
    expect(gray.status).toBe(200);
    expect(gray.body.faces[0]).toMatchObject({ prediction: 'unknown', candidates: [], rejected: { code: 'E_FACE_REJECTED' } });
    const live = await post(`${url}/identify`, { image: alice2 });
    expect(live.body.faces[0].prediction).toBe('alice');
    const enroll = await post(`${url}/subjects/bob/faces`, { image: await readFile(grayNotLive) });
    expect(enroll.status).toBe(422);
    expect(enroll.body.error.details.reasons[0].code).toBe('not-live');
    const embedding = await postJson(`${url}/subjects/alice/verify`, { embedding: [1, 0, 0], modelId: 'mobilefacenet' }, { ...AUTH });
    expect(embedding.status).toBe(400);
    expect(embedding.body.error).toMatchObject({ code: 'E_BAD_REQUEST' });
  });
});
