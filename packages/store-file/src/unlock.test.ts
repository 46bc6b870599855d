import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, lockFileOf, unlockStore } from './index.js';
import { temporaryDirectory } from './test-support.fixture.js';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('unlockStore', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let file: string;
  let lockFile: string;
  const lockOf = (holder: object): Promise<void> => writeFile(lockFile, JSON.stringify({ token: 't', acquiredAt: Date.now(), ...holder }));

  beforeEach(async () => {
    ({ dir, remove } = await temporaryDirectory());
    file = path.join(dir, 'faces.pv');
    lockFile = lockFileOf(file);
  });
  afterEach(() => remove());

  it('creates lock files owner-only (0600)', async () => {
    const store = await FileStore.open(file);
    expect((await stat(lockFile)).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('refuses, touching nothing, while a live process on this host holds the lock', async () => {
    const store = await FileStore.open(file);
    const error = await expectPvError(unlockStore(file), 'E_STORE_LOCKED');
    expect(error.message).toContain(String(process.pid));
    expect(await readdir(dir)).toContain(path.basename(lockFile));
    await store.close();
  });

  it('removes a lock of a dead process, of another host, or with unreadable contents, and says which', async () => {
    await lockOf({ pid: await deadPid(), hostname: os.hostname() });
    expect(await unlockStore(file)).toMatchObject({ removed: true, reason: 'dead-process' });
    await lockOf({ pid: 1, hostname: 'another-host.example' });
    expect(await unlockStore(file)).toMatchObject({ removed: true, reason: 'other-host', holder: { pid: 1, hostname: 'another-host.example' } });
    await writeFile(lockFile, 'garbage');
    expect(await unlockStore(file)).toMatchObject({ removed: true, reason: 'unreadable' });
    expect(await readdir(dir)).toEqual([]);
    expect(await unlockStore(file)).toEqual({ lockFile, removed: false, reason: 'no-lock' });
    // The store opens for writing again.
    await (await FileStore.open(file)).close();
  });

  it.runIf(process.platform === 'linux')('treats a live pid that started after the lock was taken as a recycled pid', async () => {
    // Our own parent process started before now; a lock "taken" an hour before it started names a recycled pid.
    const started = (await stat(`/proc/${process.ppid}`)).ctimeMs;
    await lockOf({ pid: process.ppid, hostname: os.hostname(), acquiredAt: started - 3_600_000 });
    expect(await unlockStore(file)).toMatchObject({ removed: true, reason: 'recycled-pid' });
    // And the writer takes over such a lock by itself.
    await lockOf({ pid: process.ppid, hostname: os.hostname(), acquiredAt: started - 3_600_000 });
    await (await FileStore.open(file)).close();
  });
});
