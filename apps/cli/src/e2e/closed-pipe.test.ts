// `pv … | head -1`: a reader that goes away must not crash pv with an EPIPE stack trace or leave a lock.
import { rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, finished, linkPhotos, startPv, tempDir } from './pv-process.fixture.js';

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('closed-pipe');
  await linkPhotos(path.join(work, 'people'), { '7266': (await celebaPhotos('7266')).slice(0, 3) });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a closed output pipe', { timeout: E2E_TIMEOUT_MS }, () => {
  it('ends pv quietly after the reader goes away, and releases the store lock', async () => {
    const child = startPv(['enroll', 'people', '--store', 'file:piped.pv'], work);
    const done = finished(child);
    // Like `head -1`: read the first chunk, then close the reading end.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const run = await done;
    expect(run.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/u);
    expect(run.code).toBe(0);
    expect(existsSync(path.join(work, 'piped.pv'))).toBe(true);
    expect(existsSync(path.join(work, 'piped.pv.lock'))).toBe(false);
  });
});
