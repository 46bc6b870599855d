// End to end: Ctrl-C during a batch keeps what was done; --jobs spreads the work over worker threads.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, finished, linkPhotos, runPvJson, sharedData, startPv, tempDir } from './pv-process.fixture.js';

let work = '';
let total = 0;

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('interrupt');
  const photos: Record<string, string[]> = {};
  for (const person of await readdir(path.join(sharedData, 'celeba-sample'))) photos[person] = await celebaPhotos(person);
  total = Object.values(photos).reduce((n, p) => n + p.length, 0);
  await linkPhotos(path.join(work, 'everyone'), photos);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Ctrl-C', { timeout: E2E_TIMEOUT_MS }, () => {
  it('stops enroll cleanly: exit 130, a summary, and every file reported enrolled is in the store', async () => {
    const child = startPv(['enroll', 'everyone', '--store', 'file:interrupted.pv'], work);
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!sent && chunk.toString('utf8').includes('enrolled')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const run = await finished(child);
    expect(sent).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toContain('Stopping after the files in progress');
    const enrolledLines = run.stdout.split('\n').filter((l) => l.startsWith('enrolled ')).length;
    const match = /^Interrupted after (\d+) of (\d+) files; (\d+) not processed\.$/mu.exec(run.stdout);
    expect(match, run.stdout).not.toBeNull();
    const [, processed, planned] = match as RegExpExecArray;
    expect(Number(planned)).toBe(total);
    expect(Number(processed)).toBeGreaterThanOrEqual(1);
    expect(Number(processed)).toBeLessThan(total);
    expect(run.stdout).toMatch(/^Enrolled \d+ faces? of \d+ (person|people) from \d+ of \d+ files into file:interrupted\.pv/mu);

    const stats = await runPvJson<{ count: number }>(['store', 'stats', '--store', 'file:interrupted.pv'], work);
    expect(enrolledLines).toBeGreaterThanOrEqual(1);
    expect(stats.json.count).toBe(enrolledLines);

    // Running again resumes: only the files not yet in the store are processed.
    const resumed = await runPvJson<{ files: { alreadyEnrolled: number; processed: number }; storeCount: number }>(
      ['enroll', 'everyone', '--store', 'file:interrupted.pv'],
      work,
    );
    expect(resumed.json.files.alreadyEnrolled).toBe(enrolledLines);
    expect(resumed.json.files.processed).toBe(total - enrolledLines);
  });
});

describe('--jobs', { timeout: E2E_TIMEOUT_MS }, () => {
  it('enrolls with two worker threads to the same records as one thread', async () => {
    type EnrollJson = { enrolled: { file: string; label: string; faces: number }[]; failures: { file: string; code: string }[] };
    const one = await runPvJson<EnrollJson>(['enroll', 'everyone', '--store', 'file:one.pv'], work);
    const two = await runPvJson<EnrollJson>(['enroll', 'everyone', '--store', 'file:two.pv', '--jobs', '2'], work);
    expect(two.run.code).toBe(one.run.code);
    const sorted = (json: EnrollJson): string[] => json.enrolled.map((e) => `${e.file} ${e.label} ${e.faces}`).sort();
    expect(sorted(two.json)).toEqual(sorted(one.json));
    expect(two.json.failures.map((f) => f.file).sort()).toEqual(one.json.failures.map((f) => f.file).sort());
    expect(one.json.enrolled.length + one.json.failures.length).toBe(total);
  });
});
