// Rate limits, CORS, response headers and error replies of the app, over real HTTP. No test here needs a
// face model (see app-test.fixture.ts; the last test uses its always-failing inference stand-in).
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { closeApps, KEY_A, KEY_B, serveApp as serve } from './app-test.fixture.js';
import { fetchJson, lfwImage } from './test-support.fixture.js';

afterEach(closeApps);

describe('rate limit', () => {
  test('counts per API key, and per client address for requests without a valid key', async () => {
    const url = await serve({ rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    const subjects = (headers: Record<string, string>) => fetchJson<{ error?: { code: string } }>(`${url}/v1/subjects`, { headers });

    for (let i = 0; i < 3; i++) expect((await subjects({ authorization: `Bearer ${KEY_A}` })).status).toBe(200);
    const limited = await subjects({ authorization: `Bearer ${KEY_A}` });
    expect(limited.status).toBe(429);
    expect(limited.body.error?.code).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another key has its own budget.
    expect((await subjects({ authorization: `Bearer ${KEY_B}` })).status).toBe(200);

    // Without a valid key the client address is counted, so guessing keys is limited too.
    for (let i = 0; i < 3; i++) expect((await subjects({ authorization: 'Bearer guess-guess-guess-1' })).status).toBe(403);
    expect((await subjects({})).status).toBe(429);
  });

  test('health checks are never limited', async () => {
    const url = await serve({ rateLimitMax: 1 });
    for (let i = 0; i < 5; i++) expect((await fetchJson(`${url}/healthz`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await fetchJson(`${url}/readyz`)).status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/v1/subjects`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  test('off unless configured: no CORS headers at all', async () => {
    const url = await serve();
    const response = await fetch(`${url}/v1/info`, { headers: { origin: 'https://elsewhere.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(url, 'https://elsewhere.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  test('configured origins are allowed, others are not', async () => {
    const url = await serve({ corsOrigins: ['https://app.example'] });
    const allowed = await preflight(url, 'https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight(url, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('responses', () => {
  test('API answers carry security headers and are never cached', async () => {
    const url = await serve();
    const response = await fetch(`${url}/v1/info`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  test('an unexpected failure is a bare 500 without its message', async () => {
    const url = await serve();
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1])]), 'x.jpg');
    // The header check fails on this truncated JPEG before the stand-in is reached: a 422, not a 500.
    const bad = await fetchJson<{ error: { code: string } }>(`${url}/v1/identify`, { method: 'POST', headers: { 'x-api-key': KEY_A }, body: form });
    expect(bad.status).toBe(422);
    const photo = await readFile(lfwImage('Abel_Pacheco', 1));
    const withPhoto = new FormData();
    withPhoto.append('image', new Blob([photo]), 'x.jpg');
    const failed = await fetchJson<{ error: { code: string; message: string } }>(`${url}/v1/identify`, {
      method: 'POST',
      headers: { 'x-api-key': KEY_A },
      body: withPhoto,
    });
    expect(failed.status).toBe(500);
    expect(failed.body.error).toEqual({ code: 'E_INTERNAL', message: 'The server could not complete the request' });
    expect(JSON.stringify(failed.body)).not.toContain('secret');
  });
});
