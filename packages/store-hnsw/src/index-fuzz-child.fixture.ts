// The child process of the index fuzz test: applies mutations `from`..`to` (each drawn from `seed + i`) to
// copies of the pristine index file, opens the store, answers the queries, and prints one FuzzOutcome per
// line. A crash of hnswlib's reader would end this process with a signal, which the parent reports.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { isPvError } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { seededRandom } from '@pv/testkit';
import { HnswStore } from './hnsw-store.js';
import { INDEX_CHECKSUMS_KEY, fileSha256 } from './index-integrity.js';
import { FUZZ_K, answerOf, fuzzQueries, type FuzzOutcome, type FuzzTask } from './index-fuzz.fixture.js';

const task = JSON.parse(process.argv[2] ?? '{}') as FuzzTask;
const queries = fuzzQueries();
const names = readdirSync(task.pristine);
const indexName = names.find((n) => n.endsWith('.hnsw')) as string;

for (let i = task.from; i < task.to; i++) {
  const dir = path.join(task.work, String(i));
  mkdirSync(dir, { recursive: true });
  for (const name of names) copyFileSync(path.join(task.pristine, name), path.join(dir, name));
  const file = path.join(dir, indexName);
  const random = seededRandom(task.seed + i);
  const pick = (n: number): number => Math.floor(random() * n);
  const bytes = readFileSync(file);
  const draw = random();
  let kind: string;
  if (draw < 0.5) {
    kind = 'bytes';
    for (let n = 1 + pick(4); n > 0; n--) bytes[pick(bytes.length)] = pick(256);
  } else if (draw < 0.7) {
    kind = 'header';
    for (let n = 1 + pick(4); n > 0; n--) bytes[pick(96)] = pick(256);
  } else if (draw < 0.8) {
    // The offsets that crashed hnswlib's reader before (issue 14): four bytes there.
    const at = [0, 48, 52, 97, 100][pick(5)] as number;
    kind = `offset-${at}`;
    for (let b = 0; b < 4; b++) bytes[at + b] = pick(256);
  } else if (draw < 0.9) {
    kind = 'append';
    writeFileSync(file, Buffer.concat([bytes, Buffer.from(Array.from({ length: 1 + pick(64) }, () => pick(256)))]));
  } else {
    kind = 'truncate';
  }
  if (kind === 'truncate') truncateSync(file, pick(bytes.length));
  else if (kind !== 'append') writeFileSync(file, bytes);
  // One mutation in three also forges the digest recorded in the database.
  const forged = random() < 1 / 3;
  if (forged) {
    const db = new Database(path.join(dir, 'store.db'));
    db.prepare('UPDATE pv_meta SET value = ? WHERE key = ?').run(JSON.stringify({ [indexName]: fileSha256(file) }), INDEX_CHECKSUMS_KEY);
    db.close();
  }
  const warnings: string[] = [];
  let outcome: FuzzOutcome['outcome'];
  let equal = false;
  try {
    const store = await HnswStore.open(path.join(dir, 'store.db'), { ef: 400, onWarning: (w) => warnings.push(w) });
    try {
      const answers = [];
      for (const query of queries) answers.push(answerOf(await store.search(query, { k: FUZZ_K, metric: cosine })));
      equal = JSON.stringify(answers) === JSON.stringify(task.expected);
    } finally {
      await store.close();
    }
    outcome = warnings.length > 0 ? 'rebuilt' : 'used';
  } catch (error) {
    if (!isPvError(error, 'E_STORE_CORRUPT')) throw error;
    outcome = 'refused';
  }
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify({ i, kind, forged, outcome, equal } satisfies FuzzOutcome)}\n`);
}
