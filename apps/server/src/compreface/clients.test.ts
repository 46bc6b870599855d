// The requests Double Take and Viseron send to CompreFace, replayed as their sources build them (URLs,
// query strings, multipart field names, and how they read failures: `code == 28`, a `message` key).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { celebaImage, fetchJson } from '../test-support.fixture.js';
import { facelessJpeg, fileForm, startCompreFaceServer, type CompreFaceTestServer } from './compreface.fixture.js';

interface Recognized {
  result?: { box: { x_min: number; y_min: number; x_max: number; y_max: number; probability: number }; subjects: { subject: string; similarity: number }[] }[];
  code?: number;
  message?: string;
}

let served: CompreFaceTestServer;
let headers: Record<string, string>;

beforeAll(async () => {
  served = await startCompreFaceServer();
  headers = { 'x-api-key': served.keys.recognition };
});

afterAll(async () => {
  await served?.stop();
});

describe('Double Take (api/compreface.js: train, recognize, remove)', () => {
  test('train: POST /recognition/faces?subject=<name> with the multipart field "file"', async () => {
    for (const stem of ['182757', '183064']) {
      const trained = await fetchJson<{ image_id: string; subject: string }>(`${served.api}/recognition/faces?subject=david`, {
        method: 'POST',
        headers,
        body: await fileForm(celebaImage('7206', stem)),
      });
      expect(trained.status).toBe(200);
      expect(trained.body.subject).toBe('david');
    }
    const other = await fetchJson(`${served.api}/recognition/faces?subject=erin&det_prob_threshold=0.8`, {
      method: 'POST',
      headers,
      body: await fileForm(celebaImage('7213', '183431')),
    });
    expect(other.status).toBe(200);
  });

  test('recognize: POST /recognition/recognize?det_prob_threshold=0.8, read as subjects[0].similarity × 100 and the box', async () => {
    const answer = await fetchJson<Recognized>(`${served.api}/recognition/recognize?det_prob_threshold=0.8`, {
      method: 'POST',
      headers,
      body: await fileForm(celebaImage('7206', '183861')),
    });
    expect(answer.status).toBe(200);
    const [face] = answer.body.result ?? [];
    const [match] = face?.subjects ?? [];
    expect(match?.subject).toBe('david');
    expect(parseFloat(((match?.similarity ?? 0) * 100).toFixed(2))).toBeGreaterThan(50);
    const width = (face?.box.x_max ?? 0) - (face?.box.x_min ?? 0);
    expect(Number.isInteger(width) && width > 0).toBe(true);
  });

  test('a photo without a face answers no result and code 28 (Double Take maps it to "no faces")', async () => {
    const answer = await fetchJson<Recognized>(`${served.api}/recognition/recognize?det_prob_threshold=0.8`, {
      method: 'POST',
      headers,
      body: await fileForm(await facelessJpeg()),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.result).toBeUndefined();
    expect(answer.body.code).toBe(28);
  });

  test('remove: DELETE /recognition/faces?subject=<name> deletes every face of the subject', async () => {
    const removed = await fetchJson<{ deleted: number }>(`${served.api}/recognition/faces?subject=david`, { method: 'DELETE', headers });
    expect(removed).toMatchObject({ status: 200, body: { deleted: 2 } });
    const left = await fetchJson<{ faces: { subject: string }[] }>(`${served.api}/recognition/faces`, { headers });
    expect(left.body.faces.map((f) => f.subject)).toEqual(['erin']);
  });
});

describe('Viseron (compreface face recognition through the Python SDK)', () => {
  test('recognize with limit, det_prob_threshold, prediction_count and a Python-style status=False', async () => {
    const answer = await fetchJson<Recognized>(`${served.api}/recognition/recognize?limit=0&det_prob_threshold=0.8&prediction_count=1&status=False`, {
      method: 'POST',
      headers,
      body: await fileForm(celebaImage('7213', '183714')),
    });
    expect(answer.status).toBe(200);
    expect(answer.body.message).toBeUndefined();
    expect(answer.body.result?.[0]?.subjects).toEqual([{ subject: 'erin', similarity: expect.any(Number) }]);
  });

  test('a failed train is seen as a "message" key in the answer', async () => {
    const failed = await fetchJson<Recognized>(`${served.api}/recognition/faces?subject=erin`, {
      method: 'POST',
      headers,
      body: await fileForm(await facelessJpeg()),
    });
    expect(failed.body).toEqual({ message: expect.any(String), code: 28 });
  });

  test('a DELETE carrying Content-Type: application/json and no body is accepted', async () => {
    const removed = await fetchJson<{ deleted: number }>(`${served.api}/recognition/subjects`, {
      method: 'DELETE',
      headers: { ...headers, 'content-type': 'application/json' },
    });
    expect(removed).toMatchObject({ status: 200, body: { deleted: 1 } });
  });
});
