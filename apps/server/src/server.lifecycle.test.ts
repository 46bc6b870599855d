// Persistence across restarts, graceful shutdown, and behaviour under saturation, through real HTTP.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore } from '@pv/store-file';
import { SqliteStore } from '@pv/store-sqlite';
import { afterEach, describe, expect, test } from 'vitest';
import {
  AUTH,
  celebaImage,
  fetchJson,
  imageForm,
  sharedData,
  startTestServer,
  tempDir,
  type JsonResponse,
  type TestServer,
} from './test-support.fixture.js';

const alice1 = celebaImage('7206', '182757');
const alice2 = celebaImage('7206', '183064');
/** A group photo (1200x630, several faces): slow enough to keep a worker busy for a while. */
const groupPhoto = path.join(sharedData, 'facenet-pytorch', 'multiface.jpg');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(options: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const server = await startTestServer(options);
  cleanups.push(() => server.server.close());
  return server;
}

async function identify(url: string, image: string): Promise<JsonResponse<Record<string, any>>> {
  return fetchJson(`${url}/v1/identify`, { method: 'POST', headers: AUTH, body: await imageForm({ image }) });
}

/** The number of inference jobs in flight, from /readyz. */
async function inFlight(url: string): Promise<number> {
  const ready = await fetchJson<{ inFlight: number }>(`${url}/readyz`);
  return ready.body.inFlight;
}

/** Polls until `condition` holds (every 5 ms); fails the test after `tries` polls. */
async function until(condition: () => Promise<boolean>, tries = 2000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('condition never held');
}

describe('restart persistence', () => {
  test.each([
    ['file', 'faces.pv'],
    ['sqlite', 'faces.db'],
  ])('faces enrolled in a %s store are there after a restart', async (scheme, name) => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const store = `${scheme}:${path.join(dir, name)}`;
    const first = await startTestServer({ store });
    const enrolled = await fetchJson<{ face: { id: string } }>(`${first.url}/v1/subjects/alice/faces`, {
      method: 'POST',
      headers: AUTH,
      body: await imageForm({ image: alice1 }),
    });
    expect(enrolled.status).toBe(201);
    await first.server.close();

    const second = await started({ store });
    const faces = await fetchJson<{ faces: { id: string }[] }>(`${second.url}/v1/subjects/alice/faces`, { headers: AUTH });
    expect(faces.body.faces.map((f) => f.id)).toEqual([enrolled.body.face.id]);
    const identified = await identify(second.url, alice2);
    expect(identified.body.faces[0].prediction).toBe('alice');
  }, 90_000);
});

describe('an encrypted store', () => {
  test('with PV_STORE_KEY set, the server creates and reopens an encrypted sqlite store; without the key it is refused', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const file = path.join(dir, 'faces.db');
    const store = `sqlite:${file}`;
    const previous = process.env.PV_STORE_KEY;
    process.env.PV_STORE_KEY = randomBytes(32).toString('base64');
    cleanups.push(async () => {
      if (previous === undefined) delete process.env.PV_STORE_KEY;
      else process.env.PV_STORE_KEY = previous;
    });
    const first = await startTestServer({ store });
    expect((await fetchJson(`${first.url}/v1/subjects/alice/faces`, { method: 'POST', headers: AUTH, body: await imageForm({ image: alice1 }) })).status).toBe(201);
    await first.server.close();
    expect((await readFile(file)).includes(Buffer.from('alice'))).toBe(false);
    await expect(SqliteStore.open(file)).rejects.toMatchObject({ code: 'E_STORE_KEY' });

    const second = await started({ store });
    expect((await identify(second.url, alice2)).body.faces[0].prediction).toBe('alice');
    await second.server.close();
    delete process.env.PV_STORE_KEY;
    await expect(startTestServer({ store })).rejects.toMatchObject({ code: 'E_STORE_KEY' });
  }, 90_000);
});

describe('graceful shutdown', () => {
  test('requests in flight finish, then the store is closed cleanly and new connections are refused', async () => {
    const { dir, remove } = await tempDir();
    cleanups.push(remove);
    const file = path.join(dir, 'faces.pv');
    const { server, url } = await startTestServer({ store: `file:${file}` });
    expect((await fetchJson(`${url}/v1/subjects/alice/faces`, { method: 'POST', headers: AUTH, body: await imageForm({ image: alice1 }) })).status).toBe(201);

    const requests = [identify(url, groupPhoto), identify(url, groupPhoto), identify(url, alice2)];
    await until(async () => (await inFlight(url)) >= 2);
    const closing = server.close();
    const answers = await Promise.all(requests);
    await closing;

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers[2]?.body.faces[0].prediction).toBe('alice');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // The writer lock is released and the file is complete: it opens again for writing, with the face in it.
    const reopened = await FileStore.open(file);
    cleanups.push(() => reopened.close());
    expect(await reopened.labels()).toEqual([{ label: 'alice', count: 1 }]);
  }, 90_000);
});

describe('saturation', () => {
  test('/healthz answers while the worker is busy; a full queue answers 503 with Retry-After', async () => {
    const { url } = await started({ workers: 1, maxQueue: 1, retryAfterSeconds: 3 });
    const burst = Array.from({ length: 8 }, () => identify(url, groupPhoto));
    let answeredWhileBusy = 0;
    let settled = false;
    const all = Promise.all(burst).finally(() => {
      settled = true;
    });
    while (!settled) {
      if ((await inFlight(url)) >= 1) {
        const health = await fetchJson(`${url}/healthz`);
        expect(health.status).toBe(200);
        // Still busy after the health check came back: it was answered during saturation.
        if ((await inFlight(url)) >= 1) answeredWhileBusy++;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const answers = await all;
    expect(answeredWhileBusy).toBeGreaterThan(0);
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    for (const busy of answers.filter((a) => a.status === 503)) {
      expect(busy.headers.get('retry-after')).toBe('3');
      expect(busy.body).toMatchObject({ error: { code: 'E_BUSY' } });
    }
  }, 90_000);
});

describe('the start script', () => {
  test('starts from PV_* variables, makes up a key when none is configured, and stops cleanly on SIGTERM', async () => {
    const packageDir = fileURLToPath(new URL('../', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=pv-source', '--import', 'tsx', 'src/bin.ts'], {
      cwd: packageDir,
      env: { ...process.env, PV_PORT: '0', PV_STORE: 'memory:', PV_WORKERS: '1', PV_LOG_LEVEL: 'warn', PV_API_KEYS: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    await until(async () => /accepts the key: \S+/.test(stderr) || child.exitCode !== null, 12_000);
    const url = /listening on (http:\/\/\S+) /.exec(stderr)?.[1];
    const key = /accepts the key: (\S+)/.exec(stderr)?.[1];
    expect(url).toBeDefined();
    expect((await fetchJson(`${url}/v1/subjects`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await fetchJson(`${url}/v1/subjects`, { headers: { authorization: 'Bearer some-other-key-123456' } })).status).toBe(403);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(stderr).toContain('SIGTERM: finishing requests in flight');
  }, 90_000);
});
