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

describe('SIGKILL', { timeout: E2E_TIMEOUT_MS }, () => {
  it.each(['sqlite:killed.db', 'file:killed.pv'])('during enroll into %s: every file a printed "enrolled" line names is in the store', async (store) => {
    const child = startPv(['enroll', 'everyone', '--store', store], work);
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
      // Killed as soon as a few lines are out: the process gets no chance to flush or clean up.
      if (printed.split('\n').filter((l) => l.startsWith('enrolled ')).length >= 3) child.kill('SIGKILL');
    });
    const run = await finished(child);
    expect(run.signal).toBe('SIGKILL');
    const named = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('enrolled '))
      .map((l) => (/^enrolled\s+(.+) → /u.exec(l) as RegExpExecArray)[1] as string);
    expect(named.length).toBeGreaterThanOrEqual(3);

    // A writer killed mid-way may leave its lock: `pv store unlock` removes a dead holder's lock.
    await runPvJson(['store', 'unlock', '--store', store], work);
    type PeopleJson = { people: { label: string }[] };
    type ShowJson = { faces: { file: string | null }[] };
    const people = await runPvJson<PeopleJson>(['people', 'list', '--store', store], work);
    expect(people.run.code, people.run.stderr).toBe(0);
    const stored = new Set<string>();
    for (const { label } of people.json.people) {
      const show = await runPvJson<ShowJson>(['people', 'show', label, '--store', store], work);
      for (const face of show.json.faces) if (face.file) stored.add(path.relative(work, path.resolve(work, face.file)));
    }
    for (const file of named) expect(stored, `${file} was reported enrolled`).toContain(path.normalize(file));
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
