// A short, bounded load test: identify requests from 4 connections for 8 seconds, with zero errors.
// (Speed is measured by bench/index.ts, not asserted here.)
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { multipartFile, runLoad } from './load.fixture.js';
import { AUTH, TEST_KEY, celebaImage, fetchJson, imageForm, startTestServer, type TestServer } from './test-support.fixture.js';

let served: TestServer;

beforeAll(async () => {
  served = await startTestServer({ workers: 1, maxQueue: 16, rateLimitMax: 1_000_000 });
  const enrolled = await fetchJson(`${served.url}/v1/subjects/alice/faces`, { method: 'POST', headers: AUTH, body: await imageForm({ image: celebaImage('7206', '182757') }) });
  expect(enrolled.status).toBe(201);
});

afterAll(async () => {
  await served?.server.close();
});

test('identify under a fixed concurrency of 4 for 8 s: every request answered 200', async () => {
  const body = multipartFile('image', 'photo.jpg', await readFile(celebaImage('7206', '183064')));
  const result = await runLoad(`${served.url}/v1/identify`, TEST_KEY, body, 4, 8);
  expect(result.requests).toBeGreaterThan(0);
  expect(result.errors).toBe(0);
  expect(result.non2xx).toBe(0);
  // The server is still healthy and did real work: the photo was identified.
  const check = await fetchJson<{ faces: { prediction: string }[] }>(`${served.url}/v1/identify`, { method: 'POST', headers: AUTH, body: await imageForm({ image: celebaImage('7206', '183064') }) });
  expect(check.body.faces[0]?.prediction).toBe('alice');
}, 60_000);
