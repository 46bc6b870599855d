// End to end: pv people list, show, rename (merge), rm-face and rm on a store enrolled from CelebA photos.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

let work = '';

interface PeopleJson {
  readonly people: { label: string; faces: number; files: number; firstEnrolled: string; lastEnrolled: string }[];
}
interface ShowJson {
  readonly label: string;
  readonly faces: { id: string; file: string | null; enrolled: string }[];
}

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('people');
  await linkPhotos(path.join(work, 'people'), {
    ann: (await celebaPhotos('7206')).slice(0, 2),
    Bob: (await celebaPhotos('7213')).slice(0, 3),
  });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv people', { timeout: E2E_TIMEOUT_MS }, () => {
  it('suggests pv enroll when the store does not exist yet', async () => {
    const run = await runPv(['people', 'list'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('E_NOT_FOUND');
    expect(run.stderr).toContain('pv enroll');
  });

  it('lists who is enrolled with face and file counts and dates, and shows one person', async () => {
    expect((await runPv(['enroll', 'people'], work)).code).toBe(0);
    const { run, json } = await runPvJson<PeopleJson>(['people', 'list'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json.people.map((p) => [p.label, p.faces, p.files])).toEqual([
      ['Bob', 3, 3],
      ['ann', 2, 2],
    ]);
    expect(Date.parse(json.people[0]?.firstEnrolled ?? '')).toBeGreaterThan(Date.now() - 600_000);
    const table = await runPv(['people', 'list'], work);
    expect(table.stdout).toMatch(/^Bob\s+3\s+3\s+\d{4}-\d\d-\d\d$/mu);

    const show = await runPvJson<ShowJson>(['people', 'show', 'ann'], work);
    expect(show.json.faces).toHaveLength(2);
    expect(show.json.faces.every((f) => f.file?.includes(path.join('people', 'ann')))).toBe(true);
  });

  it('answers a label differing only by case with "did you mean"', async () => {
    const run = await runPv(['people', 'show', 'bob'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean "Bob"?');
  });

  it('deletes one face by id, durably, and reports it', async () => {
    const show = await runPvJson<ShowJson>(['people', 'show', 'Bob'], work);
    const id = show.json.faces[0]?.id as string;
    const { run, json } = await runPvJson<{ removed: boolean; label: string; remaining: number }>(['people', 'rm-face', id], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toMatchObject({ removed: true, label: 'Bob', remaining: 4 });
    const again = await runPv(['people', 'rm-face', id], work);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('E_NOT_FOUND');
    const after = await runPvJson<ShowJson>(['people', 'show', 'Bob'], work);
    expect(after.json.faces.map((f) => f.id)).not.toContain(id);
  });

  it('renames into an enrolled person (a merge), refusing invalid labels', async () => {
    const bad = await runPv(['people', 'rename', 'ann', 'unknown'], work);
    expect(bad.code).toBe(2);
    const { run, json } = await runPvJson<{ moved: number; mergedInto: number; added: number }>(['people', 'rename', 'ann', 'Bob'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toEqual({ from: 'ann', to: 'Bob', moved: 2, mergedInto: 2, added: 2 });
    const list = await runPvJson<PeopleJson>(['people', 'list'], work);
    expect(list.json.people.map((p) => [p.label, p.faces])).toEqual([['Bob', 4]]);
  });

  it('removes a person with every face', async () => {
    const { run, json } = await runPvJson<{ removed: number; remaining: number }>(['people', 'rm', 'Bob'], work);
    expect(run.code, run.stderr).toBe(0);
    expect(json).toMatchObject({ label: 'Bob', removed: 4, remaining: 0 });
    const list = await runPv(['people', 'list'], work);
    expect(list.stdout).toContain('Nobody is enrolled yet');
  });
});
