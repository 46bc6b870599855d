import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isPvError } from '@pv/core';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, lockFileOf } from './index.js';
import { batchRecord, startChildWriter, temporaryDirectory } from './test-support.fixture.js';

/** The pid of a process that has exited (pids are not reused that quickly). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

describe('FileStore writer lock', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let file: string;
  let lockFile: string;

  beforeEach(async () => {
    ({ dir, remove } = await temporaryDirectory());
    file = path.join(dir, 'faces.pvstore');
    lockFile = lockFileOf(file);
  });
  afterEach(() => remove());

  it('holds pid, hostname and a token in <file>.lock while open, and removes it on close', async () => {
    const store = await FileStore.open(file);
    expect(lockFile).toBe(`${file}.lock`);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, hostname: os.hostname(), token: expect.any(String) });
    await store.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second writer in the same process until the first closes', async () => {
    const first = await FileStore.open(file);
    const error = await expectPvError(FileStore.open(file), 'E_STORE_LOCKED');
    expect(error.message).toContain(file);
    expect((error as unknown as { details: object }).details).toMatchObject({ pid: process.pid, lockFile });
    const reader = await FileStore.open(file, { readOnly: true }).catch((e: unknown) => e);
    expect(isPvError(reader, 'E_NOT_FOUND'), 'a reader is not blocked by the lock (the file is just not written yet)').toBe(true);
    await first.close();
    const second = await FileStore.open(file);
    await second.close();
  });

  it('refuses a writer while another process writes, and lets it in once that one closes', async () => {
    const child = startChildWriter(['hold', file]);
    await child.waitFor((lines) => lines.includes('ready'));
    const error = await expectPvError(FileStore.open(file), 'E_STORE_LOCKED');
    expect((error as unknown as { details: object }).details).toMatchObject({ pid: child.process.pid, hostname: os.hostname() });
    child.process.stdin.end();
    await child.waitFor((lines) => lines.includes('closed'));
    await child.exited;
    const store = await FileStore.open(file);
    await store.close();
  });

  it('takes over the lock of a writer process that was killed', async () => {
    const child = startChildWriter(['hold', file]);
    await child.waitFor((lines) => lines.includes('ready'));
    await expectPvError(FileStore.open(file), 'E_STORE_LOCKED');
    child.process.kill('SIGKILL');
    expect(await child.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: child.process.pid });
    const store = await FileStore.open(file);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await store.add([batchRecord(0, 0, 4)]);
    await store.close();
    expect(await readdir(dir)).toEqual(['faces.pvstore']);
  });

  it('lets exactly one of several concurrent openers take over a stale lock', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: await deadPid(), hostname: os.hostname(), token: 'old', acquiredAt: 0 }));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => FileStore.open(file)));
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(opened).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(isPvError(r.reason, 'E_STORE_LOCKED')).toBe(true);
    await opened[0]?.close();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a lock held by a live process, by another host, or that cannot be read', async () => {
    const locks = [
      JSON.stringify({ pid: 1, hostname: os.hostname(), token: 't', acquiredAt: Date.now() }),
      JSON.stringify({ pid: await deadPid(), hostname: `not-${os.hostname()}`, token: 't', acquiredAt: 0 }),
      '',
      'garbage',
    ];
    for (const content of locks) {
      await writeFile(lockFile, content);
      const error = await expectPvError(FileStore.open(file), 'E_STORE_LOCKED');
      expect(error.message).toContain(file);
      expect(await readFile(lockFile, 'utf8')).toBe(content);
    }
    expect((await expectPvError(FileStore.open(file), 'E_STORE_LOCKED')).message).toMatch(/cannot be read; delete it if no writer is running/);
  });

  it('does not delete a lock file that is no longer its own', async () => {
    const store = await FileStore.open(file);
    const foreign = JSON.stringify({ pid: 1, hostname: 'elsewhere', token: 'theirs', acquiredAt: 0 });
    await writeFile(lockFile, foreign);
    await store.close();
    expect(await readFile(lockFile, 'utf8')).toBe(foreign);
  });
});
