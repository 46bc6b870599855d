// pv keys in-process: create, list, revoke and seed-demo write the key file the server reads (in PV_HOME).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CompreFaceKeyStore, hashKey } from '@pv/server';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runCli } from '../cli.js';

let home = '';
let previous: string | undefined;

beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'pv-keys-'));
  previous = process.env['PV_HOME'];
  process.env['PV_HOME'] = home;
});

afterEach(async () => {
  if (previous === undefined) delete process.env['PV_HOME'];
  else process.env['PV_HOME'] = previous;
  await rm(home, { recursive: true, force: true });
});

/** Runs `pv …args --json` in this process and parses what it printed. */
async function pvJson<T>(...args: string[]): Promise<{ code: number; json: T }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const code = await runCli([...args, '--json'], { stdout, stderr });
  return { code, json: JSON.parse(text) as T };
}

test('create shows a UUID key once and stores only its digest; list and revoke work by id', async () => {
  const created = await pvJson<{ key: string; id: string; service: string; name: string }>('keys', 'create', 'recognition', '--name', 'frigate');
  expect(created.code).toBe(0);
  expect(created.json).toMatchObject({ service: 'recognition', name: 'frigate' });
  expect(created.json.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const file = await readFile(path.join(home, 'compreface-keys.json'), 'utf8');
  expect(file).not.toContain(created.json.key);
  expect(file).toContain(hashKey(created.json.key));
  expect(new CompreFaceKeyStore().lookup(created.json.key)?.service).toBe('recognition');

  const listed = await pvJson<{ keys: { id: string }[] }>('keys', 'list');
  expect(listed.json.keys.map((k) => k.id)).toEqual([created.json.id]);
  expect(JSON.stringify(listed.json)).not.toContain(created.json.key);

  const revoked = await pvJson<{ revoked: { id: string } }>('keys', 'revoke', created.json.id.slice(0, 8));
  expect(revoked.json.revoked.id).toBe(created.json.id);
  expect(new CompreFaceKeyStore().lookup(created.json.key)).toBeUndefined();
  const missing = await pvJson<{ error: { code: string } }>('keys', 'revoke', created.json.id);
  expect(missing.code).toBe(2);
  expect(missing.json.error.code).toBe('E_NOT_FOUND');
});

test('an unknown service is a usage error; demo keys are added only by seed-demo, once', async () => {
  expect(await runCli(['keys', 'create', 'mask'], { stdout: new PassThrough(), stderr: new PassThrough() })).toBe(2);
  expect(new CompreFaceKeyStore().lookup('00000000-0000-0000-0000-000000000002')).toBeUndefined();
  const seeded = await pvJson<{ added: { service: string }[] }>('keys', 'seed-demo');
  expect(seeded.json.added.map((k) => k.service)).toEqual(['recognition', 'detection', 'verification']);
  expect(new CompreFaceKeyStore().lookup('00000000-0000-0000-0000-000000000003')?.service).toBe('detection');
  expect((await pvJson<{ added: unknown[] }>('keys', 'seed-demo')).json.added).toEqual([]);
});
