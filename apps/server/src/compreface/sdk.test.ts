// CompreFace's own JavaScript SDK (@exadel/compreface-js-sdk 1.0.0) drives pv's /api/v1 over real HTTP.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CompreFace } from '@exadel/compreface-js-sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { celebaImage, fetchJson } from '../test-support.fixture.js';
import { facelessJpeg, startCompreFaceServer, type CompreFaceTestServer } from './compreface.fixture.js';

/** Three CelebA people: two photos each are enrolled, the third is held out. */
const PEOPLE: Readonly<Record<string, readonly [string, string, string]>> = {
  '7206': ['182757', '183064', '183861'],
  '7213': ['183431', '183714', '185117'],
  '7216': ['183310', '184149', '184342'],
};

/**
 * A file path as the SDK takes it: it treats only paths starting with `.` (or a drive letter) as files, and
 * anything else as a blob, so absolute POSIX paths are made relative to the working directory.
 */
function sdkPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** A CelebA photo as an SDK path. */
function photo(identity: string, stem: string): string {
  return sdkPath(celebaImage(identity, stem));
}

interface RecognizeResult {
  result: { box: Record<string, number>; subjects: { subject: string; similarity: number }[] }[];
}

/** The status and CompreFace body of a request the SDK rejected (axios error). */
async function refusal(promise: Promise<unknown>): Promise<{ status: number; data: { code: number; message: string } }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: { status: number; data: { code: number; message: string } } }).response;
    if (response) return { status: response.status, data: response.data };
    throw error;
  }
  throw new Error('the request succeeded');
}

/** The SDK's subject functions: its JavaScript names them `getSubjects()` (its .d.ts says `subjectFunctions()`). */
interface Subjects {
  list<T>(): Promise<T>;
  add<T>(subject: string): Promise<T>;
  rename<T>(from: string, to: string): Promise<T>;
  delete<T>(subject: string): Promise<T>;
}

function subjectsOf(recognition: ReturnType<CompreFace['initFaceRecognitionService']>): Subjects {
  return (recognition as unknown as { getSubjects(): Subjects }).getSubjects();
}

let served: CompreFaceTestServer;
let sdk: CompreFace;
let faceless: string;

beforeAll(async () => {
  served = await startCompreFaceServer();
  const url = new URL(served.url);
  sdk = new CompreFace(`${url.protocol}//${url.hostname}`, Number(url.port));
  const facelessFile = path.join(process.env['PV_HOME'] as string, 'faceless.jpg');
  await writeFile(facelessFile, await facelessJpeg());
  faceless = sdkPath(facelessFile);
});

afterAll(async () => {
  await served?.stop();
});

describe('recognition through the SDK', () => {
  const imageIds: Record<string, string[]> = {};

  // (The SDK's add() with options builds `?subject=X?det_prob_threshold=…`, a second `?`, so real CompreFace
  // would store the subject "X?det_prob_threshold=…" too; det_prob_threshold on add is replayed in clients.test.ts.)
  test('subjects are created and faces added by file', async () => {
    const recognition = sdk.initFaceRecognitionService(served.keys.recognition);
    expect(await subjectsOf(recognition).add('7206')).toEqual({ subject: '7206' });
    for (const [person, photos] of Object.entries(PEOPLE)) {
      for (const stem of photos.slice(0, 2)) {
        const added = await recognition.getFaceCollection().add<{ image_id: string; subject: string }>(photo(person, stem), person);
        expect(added.subject).toBe(person);
        expect(added.image_id).toMatch(/^[0-9a-f-]{36}$/);
        (imageIds[person] ??= []).push(added.image_id);
      }
    }
    expect(await subjectsOf(recognition).list()).toEqual({ subjects: ['7206', '7213', '7216'] });
  });

  test('held-out photos are recognised, the right subject first, above 0.5', async () => {
    const recognition = sdk.initFaceRecognitionService(served.keys.recognition);
    for (const [person, photos] of Object.entries(PEOPLE)) {
      const answer = await recognition.recognize<RecognizeResult>(photo(person, photos[2]), { limit: 0, prediction_count: 3 });
      expect(answer.result).toHaveLength(1);
      const [face] = answer.result;
      expect(face?.subjects.map((s) => s.subject)).toHaveLength(3);
      expect(face?.subjects[0]?.subject).toBe(person);
      expect(face?.subjects[0]?.similarity).toBeGreaterThan(0.5);
      expect(face?.subjects[1]?.similarity).toBeLessThan(face?.subjects[0]?.similarity ?? 0);
      for (const value of Object.values(face?.box ?? {}).slice(1)) expect(Number.isInteger(value)).toBe(true);
    }
  });

  test('the face list pages', async () => {
    const recognition = sdk.initFaceRecognitionService(served.keys.recognition);
    const all = await recognition.getFaceCollection().list<{ faces: unknown[]; total_elements: number; page_size: number }>();
    expect(all.total_elements).toBe(6);
    expect(all.faces).toHaveLength(6);
    expect(all.page_size).toBe(20);
    const page = await fetchJson<{ faces: { image_id: string }[]; page_number: number; total_pages: number }>(
      `${served.api}/recognition/faces?page=1&size=4`,
      { headers: { 'x-api-key': served.keys.recognition } },
    );
    expect(page.body.page_number).toBe(1);
    expect(page.body.total_pages).toBe(2);
    expect(page.body.faces).toHaveLength(2);
  });

  test('a photo is verified against a stored face id', async () => {
    // A fresh face collection object per verify: the SDK's verify() appends to a URL its collection object keeps.
    const collection = () => sdk.initFaceRecognitionService(served.keys.recognition).getFaceCollection();
    const same = await collection().verify<{ result: { similarity: number }[] }>(photo('7213', '185117'), imageIds['7213']?.[0] ?? '', { limit: 0 });
    const other = await collection().verify<{ result: { similarity: number }[] }>(photo('7206', '183861'), imageIds['7213']?.[0] ?? '', { limit: 0 });
    expect(same.result[0]?.similarity).toBeGreaterThan(0.5);
    expect(other.result[0]?.similarity).toBeLessThan(0.5);
  });

  test('the embeddings/ variants take embeddings from the calculator plugin', async () => {
    const detected = await sdk
      .initFaceDetectionService(served.keys.detection)
      .detect<{ result: { embedding: number[] }[] }>(photo('7216', '184342'), { limit: 0, face_plugins: 'calculator' });
    const embedding = detected.result[0]?.embedding ?? [];
    const headers = { 'x-api-key': served.keys.recognition, 'content-type': 'application/json' };
    const recognized = await fetchJson<{ result: { similarities: { subject: string; similarity: number }[] }[] }>(
      `${served.api}/recognition/embeddings/recognize?prediction_count=2`,
      { method: 'POST', headers, body: JSON.stringify({ embeddings: [embedding] }) },
    );
    expect(recognized.body.result[0]?.similarities.map((s) => s.subject)[0]).toBe('7216');
    expect(recognized.body.result[0]?.similarities).toHaveLength(2);
    const verified = await fetchJson<{ result: { similarity: number }[] }>(`${served.api}/recognition/embeddings/faces/${imageIds['7216']?.[0] ?? ''}/verify`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ embeddings: [embedding] }),
    });
    expect(verified.body.result[0]?.similarity).toBeGreaterThan(0.5);
    const none = await fetchJson(`${served.api}/recognition/embeddings/recognize`, { method: 'POST', headers, body: JSON.stringify({ embeddings: [] }) });
    expect(none).toMatchObject({ status: 400, body: { code: 37 } });
  });

  test('another recognition key sees its own empty collection', async () => {
    const other = served.keyStore.create('recognition').key;
    expect(await subjectsOf(sdk.initFaceRecognitionService(other)).list()).toEqual({ subjects: [] });
  });

  test('rename merges, delete removes a subject', async () => {
    const recognition = sdk.initFaceRecognitionService(served.keys.recognition);
    expect(await subjectsOf(recognition).rename('7216', '7213')).toEqual({ updated: true });
    const merged = await recognition.getFaceCollection().list<{ faces: { subject: string }[] }>();
    expect(merged.faces.filter((f) => f.subject === '7213')).toHaveLength(4);
    expect(await subjectsOf(recognition).delete('7213')).toEqual({ subject: '7213' });
    expect(await subjectsOf(recognition).list()).toEqual({ subjects: ['7206'] });
    const gone = await refusal(subjectsOf(recognition).delete('7213'));
    expect(gone).toMatchObject({ status: 404, data: { code: 42 } });
  });

  test('a photo without a face is code 28', async () => {
    const recognition = sdk.initFaceRecognitionService(served.keys.recognition);
    const answer = await refusal(recognition.recognize(faceless, { limit: 0 }));
    expect(answer).toMatchObject({ status: 400, data: { code: 28 } });
    expect(answer.data.message).toEqual(expect.any(String));
  });
});

describe('detection and verification through the SDK', () => {
  test('detect answers integer boxes, landmarks and embeddings', async () => {
    const detection = sdk.initFaceDetectionService(served.keys.detection);
    const answer = await detection.detect<{ result: { box: Record<string, number>; landmarks: number[][]; embedding: number[] }[] }>(
      photo('7220', '183294'),
      { limit: 0, face_plugins: 'landmarks,calculator' },
    );
    expect(answer.result).toHaveLength(1);
    const [face] = answer.result;
    expect(face?.box.probability).toBeGreaterThan(0.5);
    for (const side of ['x_min', 'y_min', 'x_max', 'y_max']) expect(Number.isInteger(face?.box[side])).toBe(true);
    expect(face?.box.x_max).toBeGreaterThan(face?.box.x_min ?? Infinity);
    expect(face?.landmarks).toHaveLength(5);
    expect(face?.embedding.length).toBeGreaterThanOrEqual(128);
  });

  test('age, gender and pose plugins answer in CompreFace’s shapes from pv’s analysis models; mask is code 26', async () => {
    const detection = sdk.initFaceDetectionService(served.keys.detection);
    type Analysed = {
      result: { age: Record<string, number>; gender: { probability: number; value: string }; pose: Record<string, number> }[];
      plugins_versions: Record<string, string>;
    };
    const answer = await detection.detect<Analysed>(photo('7206', '182757'), { limit: 0, face_plugins: 'age,gender,pose', status: true });
    expect(answer.result).toHaveLength(1);
    const [face] = answer.result;
    expect(Object.keys(face?.age ?? {}).sort()).toEqual(['high', 'low', 'probability']);
    expect(Number.isInteger(face?.age.low)).toBe(true);
    expect(Number.isInteger(face?.age.high)).toBe(true);
    expect(face?.age.low).toBeGreaterThanOrEqual(0);
    expect((face?.age.high ?? 0) - (face?.age.low ?? 0)).toBeLessThanOrEqual(10);
    expect(face?.age.high).toBeLessThan(100);
    expect(face?.age.probability).toBeGreaterThan(0);
    expect(face?.age.probability).toBeLessThanOrEqual(1);
    expect(Object.keys(face?.gender ?? {}).sort()).toEqual(['probability', 'value']);
    expect(['male', 'female']).toContain(face?.gender.value);
    expect(face?.gender.probability).toBeGreaterThanOrEqual(0.5);
    expect(face?.gender.probability).toBeLessThanOrEqual(1);
    expect(Object.keys(face?.pose ?? {}).sort()).toEqual(['pitch', 'roll', 'yaw']);
    for (const angle of Object.values(face?.pose ?? {})) expect(Math.abs(angle)).toBeLessThan(90);
    expect(Object.keys(answer.plugins_versions)).toEqual(expect.arrayContaining(['age', 'gender', 'pose']));
    // The recognition service takes the same plugins beside its subjects.
    const recognized = await sdk
      .initFaceRecognitionService(served.keys.recognition)
      .recognize<{ result: { gender: { value: string }; subjects: unknown[] }[] }>(photo('7206', '182757'), { limit: 0, face_plugins: 'gender' });
    expect(recognized.result[0]?.gender.value).toBe(face?.gender.value);
    const mask = await refusal(detection.detect(photo('7206', '182757'), { limit: 0, face_plugins: 'mask' }));
    expect(mask.status).toBe(400);
    expect(mask.data.code).toBe(26);
    expect(mask.data.message).toMatch(/mask/);
  });

  test('verify compares the source face with the target faces', async () => {
    const verification = sdk.initFaceVerificationService(served.keys.verification);
    type Verified = { result: { source_image_face: { box: object }; face_matches: { similarity: number }[] }[] };
    const same = await verification.verify<Verified>(photo('7220', '183294'), photo('7220', '183864'), { limit: 0 });
    const other = await verification.verify<Verified>(photo('7220', '183294'), photo('7206', '182757'), { limit: 0 });
    expect(same.result[0]?.face_matches[0]?.similarity).toBeGreaterThan(0.5);
    expect(other.result[0]?.face_matches[0]?.similarity).toBeLessThan(0.5);
  });
});

describe('keys', () => {
  test('a key of another service is code 12, an unknown key code 10, no key code 20', async () => {
    const wrongType = await refusal(subjectsOf(sdk.initFaceRecognitionService(served.keys.detection)).list());
    expect(wrongType).toMatchObject({ status: 400, data: { code: 12 } });
    const unknown = await refusal(subjectsOf(sdk.initFaceRecognitionService('11111111-2222-3333-4444-555555555555')).list());
    expect(unknown).toMatchObject({ status: 404, data: { code: 10 } });
    const missing = await fetchJson(`${served.api}/recognition/subjects`);
    expect(missing).toMatchObject({ status: 400, body: { code: 20 } });
  });

  test('a revoked key stops working at once', async () => {
    const { key, info } = served.keyStore.create('detection');
    served.keyStore.revoke(info.id);
    const refused = await refusal(sdk.initFaceDetectionService(key).detect(photo('7220', '183294'), { limit: 0 }));
    expect(refused.data.code).toBe(10);
  });
});
