// Rate limits, CORS, response headers and error replies of the app, over real HTTP. No test here needs a
// face model, so the app is built around an in-memory store and an inference stand-in that always fails
// with an unexpected error (which the last test uses to check how such errors are answered).
import { readFile } from 'node:fs/promises';
import { Gallery, MemoryStore } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiKeyRing } from './api-keys.js';
import { buildApp } from './app.js';
import { resolveServerConfig, type ServerConfigInput } from './config.js';
import type { ServerContext } from './context.js';
import { fetchJson, lfwImage } from './test-support.fixture.js';

const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Builds and starts the app on 127.0.0.1 with `settings`; returns its base URL. */
async function serve(settings: ServerConfigInput = {}): Promise<string> {
  const config = resolveServerConfig({ apiKeys: [KEY_A, KEY_B], page: false, ...settings });
  const context: ServerContext = {
    config,
    model: { id: 'mobilefacenet', dimension: 512, metric: 'cosine', threshold: 0.72 },
    gallery: new Gallery({ store: new MemoryStore(), metric: cosine, threshold: 0.72, modelId: 'mobilefacenet' }),
    inference: {
      inFlight: 0,
      embedImage: () => Promise.reject(new Error('inference stand-in: /work/secret/path.ts failed')),
    },
    keys: new ApiKeyRing(config.apiKeys),
    lifecycle: { phase: 'ready' },
    assets: { publicDir: '.', browserBundleDir: undefined, modelFiles: new Map() },
  };
  const app = await buildApp(context, pino({ level: 'silent' }));
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

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
