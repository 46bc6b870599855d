// End to end: records moved from a file store into PostgreSQL + pgvector, and searched there. The server is
// PGlite with pgvector, served over the PostgreSQL wire protocol on 127.0.0.1, so the CLI connects with `pg`
// exactly as it would to a real server.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

const PEOPLE = ['7236', '7239', '7241'];
let work = '';
let db: PGlite | undefined;
let server: PGLiteSocketServer | undefined;
let storeUri = '';
const heldOut = new Map<string, string>();

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('postgres');
  const photos: Record<string, string[]> = {};
  for (const person of PEOPLE) {
    const all = await celebaPhotos(person);
    photos[person] = all.slice(0, 4);
    heldOut.set(person, all[all.length - 1] as string);
  }
  await linkPhotos(path.join(work, 'people'), photos);
  db = await PGlite.create({ extensions: { vector } });
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 3 });
  await server.start();
  storeUri = `postgres://postgres@${server.getServerConn()}/postgres?table=cli_faces`;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('postgres:// stores', { timeout: E2E_TIMEOUT_MS }, () => {
  it('export copies a file store into PostgreSQL, and stats and identify read it there', async () => {
    const enrolled = await runPv(['enroll', 'people'], work);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const exported = await runPvJson<{ copied: number; total: number }>(['store', 'export', storeUri], work);
    expect(exported.run.code, exported.run.stderr).toBe(0);
    expect(exported.json).toMatchObject({ copied: 12, total: 12 });

    const stats = await runPvJson<{ count: number; modelId: string; labels: { label: string; count: number }[] }>(
      ['store', 'stats', '--store', storeUri],
      work,
    );
    expect(stats.run.code, stats.run.stderr).toBe(0);
    expect(stats.json).toMatchObject({ count: 12, modelId: 'mobilefacenet' });
    expect(stats.json.labels).toEqual(PEOPLE.map((label) => ({ label, count: 4 })));

    for (const person of PEOPLE) {
      const { run, json } = await runPvJson<{ faces: { prediction: string }[] }>(['identify', heldOut.get(person) as string, '--store', storeUri], work);
      expect(run.code, run.stderr).toBe(0);
      expect(json.faces[0]?.prediction).toBe(person);
    }
  });

  it('a second export into the same table refuses the duplicate ids and names them (exit 2)', async () => {
    const again = await runPv(['store', 'export', storeUri], work);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/E_INVALID_ARGUMENT .*[Dd]uplicate/u);
  });
});
