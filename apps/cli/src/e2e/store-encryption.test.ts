// End to end: pv enroll and pv identify on an encrypted SQLite store (key from PV_STORE_KEY / PV_STORE_KEY_FILE),
// refusal without the key, and pv store rekey (the old key no longer opens the store).
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, tempDir } from './pv-process.fixture.js';

let work = '';
let heldOut = '';
let enrolledPhotos: string[] = [];
const keyA = randomBytes(32).toString('base64');

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('store-encryption');
  const ann = await celebaPhotos('7206');
  const bob = await celebaPhotos('7213');
  enrolledPhotos = [...ann.slice(0, 2), ...bob.slice(0, 2)];
  heldOut = ann[2] as string;
  await linkPhotos(path.join(work, 'people'), { ann: ann.slice(0, 2), Bob: bob.slice(0, 2) });
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * The store's own files in `dir` (the database, its WAL and shared memory) that contain any of `needles`.
 * The audit trail beside it (`faces.db.audit.jsonl`) is not encrypted: it names subjects until they are
 * erased (docs/privacy.md).
 */
async function filesHolding(dir: string, prefix: string, needles: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix) || name.endsWith('.audit.jsonl')) continue;
    const bytes = await readFile(path.join(dir, name));
    if (needles.some((n) => bytes.includes(Buffer.from(n, 'utf8')))) found.push(name);
  }
  return found;
}

describe('an encrypted sqlite store through the CLI', { timeout: E2E_TIMEOUT_MS }, () => {
  it('enrolls and identifies with the key, refuses without it, and after rekey refuses the old key', async () => {
    const store = `sqlite:${path.join(work, 'faces.db')}`;
    const enroll = await runPv(['enroll', 'people', '--store', store], work, { PV_STORE_KEY: keyA });
    expect(enroll.code, enroll.stderr).toBe(0);
    // Neither the names nor the enrolled files' paths are in the database in clear.
    const needles = ['Bob', ...enrolledPhotos.map((p) => path.basename(p))];
    expect(await filesHolding(work, 'faces.db', needles)).toEqual([]);

    const identify = await runPv(['identify', heldOut, '--store', store, '--json'], work, { PV_STORE_KEY: keyA });
    expect(identify.code, identify.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(identify.stdout))).toContain('"ann"');

    const stored = await readFile(path.join(work, 'faces.db'));
    const withoutKey = await runPv(['identify', heldOut, '--store', store], work);
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain('E_STORE_KEY');
    const wrongKey = await runPv(['people', 'list', '--store', store], work, { PV_STORE_KEY: randomBytes(32).toString('hex') });
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain('E_STORE_KEY');
    expect((await readFile(path.join(work, 'faces.db'))).equals(stored)).toBe(true);

    const keyFile = path.join(work, 'new.key');
    await writeFile(keyFile, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const rekey = await runPv(['store', 'rekey', '--store', store, '--new-key-file', keyFile], work, { PV_STORE_KEY: keyA });
    expect(rekey.code, rekey.stderr).toBe(0);
    expect(rekey.stdout).toContain('the old key no longer opens it');
    // The key change is in the store's audit trail (no key material in it).
    const audit = await runPv(['audit', '--store', store, '--action', 'rekey', '--json'], work, { PV_STORE_KEY_FILE: keyFile });
    expect(audit.code, audit.stderr).toBe(0);
    const entries = (JSON.parse(audit.stdout) as { entries: { action: string; detail?: string }[] }).entries;
    expect(entries.map((e) => [e.action, e.detail])).toEqual([['rekey', 'pv store rekey: re-encrypted under a new key']]);
    expect(audit.stdout).not.toContain(keyA);

    const oldKey = await runPv(['identify', heldOut, '--store', store], work, { PV_STORE_KEY: keyA });
    expect(oldKey.code).toBe(2);
    expect(oldKey.stderr).toContain('E_STORE_KEY');
    const newKey = await runPv(['identify', heldOut, '--store', store, '--json'], work, { PV_STORE_KEY_FILE: keyFile });
    expect(newKey.code, newKey.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(newKey.stdout))).toContain('"ann"');
    const check = await runPv(['store', 'check', '--store', store], work, { PV_STORE_KEY_FILE: keyFile });
    expect(check.code, check.stderr).toBe(0);
  });
});
