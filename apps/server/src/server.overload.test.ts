// Load shedding is logged at warn, without a stack, rate-limited: a burst of identify requests against one
// worker and no queue, with the server's pino stream captured.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AUTH, celebaImage, imageForm, startTestServer, type TestServer } from './test-support.fixture.js';

let served: TestServer;

beforeAll(async () => {
  served = await startTestServer({ workers: 1, maxQueue: 0, rateLimitMax: 1_000_000 });
});

afterAll(async () => {
  await served?.server.close();
});

interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly code?: string;
  readonly suppressed?: number;
  readonly err?: unknown;
}

test('a burst that saturates a tiny queue: every refusal is 503 E_BUSY, logged at warn at most once a second, no stack', async () => {
  const form = await imageForm({ image: celebaImage('7206', '183064') });
  const replies = await Promise.all(
    Array.from({ length: 24 }, async () => {
      const response = await fetch(`${served.url}/v1/identify`, { method: 'POST', headers: AUTH, body: form });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error?: { code: string } } };
    }),
  );
  const refused = replies.filter((reply) => reply.status === 503);
  expect(replies.every((reply) => reply.status === 200 || reply.status === 503)).toBe(true);
  expect(refused.length).toBeGreaterThanOrEqual(10);
  for (const reply of refused) {
    expect(reply.body.error?.code).toBe('E_BUSY');
    expect(reply.retryAfter).not.toBeNull();
  }

  const lines = served.logs.lines.map((line) => JSON.parse(line) as LogLine);
  const shed = lines.filter((line) => line.msg === 'load shed');
  expect(shed.length).toBeGreaterThanOrEqual(1);
  // Rate-limited: fewer lines than refusals, and the lines' own counts never exceed the refusals.
  expect(shed.length).toBeLessThan(refused.length);
  expect(shed.reduce((total, line) => total + 1 + (line.suppressed ?? 0), 0)).toBeLessThanOrEqual(refused.length);
  for (const line of shed) {
    expect(line.level).toBe(40);
    expect(line.code).toBe('E_BUSY');
    expect(line.err).toBeUndefined();
  }
  expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  expect(served.logs.text).not.toContain('stack');
}, 60_000);
