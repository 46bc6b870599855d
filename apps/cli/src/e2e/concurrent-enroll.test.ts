// End to end: two `pv enroll` processes of the same folder into one store at the same time store each face once
// (deterministic record ids: same file and face box → same record). SQLite and HNSW take concurrent writers, so
// both runs finish cleanly; the file store has one writer at a time, so a run that finds it locked is refused
// with E_STORE_LOCKED and changes nothing.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, finished, linkPhotos, runPvJson, startPv, tempDir } from './pv-process.fixture.js';

let work = '';
const PEOPLE = { ann: '7206', bob: '7213', cy: '7216' } as const;
const PHOTOS_PER_PERSON = 4;

interface EnrollJson {
  readonly files: { readonly total: number; readonly enrolled: number; readonly failed: number; readonly alreadyEnrolled: number };
}
interface PeopleJson {
  readonly people: { readonly label: string; readonly faces: number; readonly files: number }[];
}
interface ShowJson {
  readonly faces: { readonly id: string; readonly file: string | null }[];
}

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('concurrent-enroll');
  const photos: Record<string, string[]> = {};
  for (const [label, identity] of Object.entries(PEOPLE)) photos[label] = (await celebaPhotos(identity)).slice(0, PHOTOS_PER_PERSON);
  await linkPhotos(path.join(work, 'people'), photos);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * Starts two enrolls of `people/` into `store` at once and waits for both; returns the reports of the runs
 * that succeeded. `singleWriter`: a run may instead be refused because the other holds the store's lock.
 */
async function enrollTwiceAtOnce(store: string, singleWriter: boolean): Promise<EnrollJson[]> {
  const runs = await Promise.all([0, 1].map(() => finished(startPv(['enroll', 'people', '--store', store, '--json'], work))));
  const reports: EnrollJson[] = [];
  for (const run of runs) {
    if (singleWriter && run.code === 2) {
      expect(run.stdout + run.stderr).toContain('E_STORE_LOCKED');
      continue;
    }
    expect(run.code, run.stderr).toBe(0);
    reports.push(JSON.parse(run.stdout) as EnrollJson);
  }
  expect(reports.length).toBeGreaterThanOrEqual(1);
  return reports;
}

describe.each([
  { store: 'sqlite:faces.db', singleWriter: false },
  { store: 'hnsw:faces.hnsw', singleWriter: false },
  { store: 'file:faces.pv', singleWriter: true },
])('two concurrent pv enroll runs into $store', ({ store, singleWriter }) => {
  it(
    'store every face once, and every file is reported enrolled or already enrolled by each run',
    async () => {
      const total = Object.keys(PEOPLE).length * PHOTOS_PER_PERSON;
      const reports = await enrollTwiceAtOnce(store, singleWriter);
      if (!singleWriter) expect(reports).toHaveLength(2);
      for (const report of reports) {
        expect(report.files.total).toBe(total);
        expect(report.files.failed).toBe(0);
        expect(report.files.enrolled + report.files.alreadyEnrolled).toBe(total);
      }

      const { run, json } = await runPvJson<PeopleJson>(['people', 'list', '--store', store], work);
      expect(run.code, run.stderr).toBe(0);
      expect(json.people.map((p) => [p.label, p.faces, p.files]).sort()).toEqual(
        Object.keys(PEOPLE).map((label) => [label, PHOTOS_PER_PERSON, PHOTOS_PER_PERSON]),
      );
      for (const label of Object.keys(PEOPLE)) {
        const show = await runPvJson<ShowJson>(['people', 'show', label, '--store', store], work);
        const files = show.json.faces.map((f) => f.file);
        expect(new Set(files).size, `${label}: ${files.join(', ')}`).toBe(files.length);
      }

      // A third run afterwards finds everything enrolled.
      const again = await runPvJson<EnrollJson>(['enroll', 'people', '--store', store], work);
      expect(again.json.files).toMatchObject({ total, enrolled: 0, alreadyEnrolled: total });
    },
    E2E_TIMEOUT_MS,
  );
});
