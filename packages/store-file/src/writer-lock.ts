import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import { NotFoundError, StoreLockedError } from '@pv/core';

/** What a lock file says about its holder. */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** Random per acquisition: tells this holder's lock file from a later one. */
  readonly token: string;
  /** When the lock was taken, milliseconds since the Unix epoch. */
  readonly acquiredAt: number;
}

/** A held writer lock; {@link WriterLock.release} deletes the lock file if it is still ours. */
export interface WriterLock {
  readonly lockFile: string;
  readonly holder: LockHolder;
  release(): Promise<void>;
}

/** The lock file that guards the store file `storeFile`. */
export function lockFileOf(storeFile: string): string {
  return `${storeFile}.lock`;
}

const ACQUIRE_ATTEMPTS = 4;

/**
 * Takes the single-writer lock of `storeFile`: creates `<storeFile>.lock` with O_EXCL, holding this
 * process's pid, hostname and a random token. A lock left by a dead process on this host is removed under a
 * takeover guard (only one contender at a time, and only if it is still that dead holder's lock) and replaced. A lock held by a live process, by this
 * process, by another host, or whose contents cannot be read, is `E_STORE_LOCKED`.
 */
export async function acquireWriterLock(storeFile: string): Promise<WriterLock> {
  const lockFile = lockFileOf(storeFile);
  const holder: LockHolder = { pid: process.pid, hostname: os.hostname(), token: randomUUID(), acquiredAt: Date.now() };
  for (let attempt = 0; attempt < ACQUIRE_ATTEMPTS; attempt++) {
    if (await tryCreateLockFile(lockFile, holder, storeFile)) {
      return { lockFile, holder, release: () => releaseLock(lockFile, holder.token) };
    }
    const current = await readLockHolder(lockFile);
    if (current === 'missing') continue;
    if (current === 'unreadable') {
      throw new StoreLockedError(
        `Store ${storeFile} is locked by ${lockFile}, whose contents cannot be read; delete it if no writer is running`,
        { file: storeFile, lockFile },
      );
    }
    if (!isStale(current)) {
      throw new StoreLockedError(
        `Store ${storeFile} is being written by process ${current.pid} on ${current.hostname} (lock file ${lockFile})`,
        { file: storeFile, lockFile, pid: current.pid, hostname: current.hostname },
      );
    }
    await setAsideStaleLock(lockFile, current);
  }
  throw new StoreLockedError(`Store ${storeFile}: other processes kept taking its lock ${lockFile}`, { file: storeFile, lockFile });
}

/** True when `pid` names a running process on this host (one we may not signal counts as running). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreateLockFile(lockFile: string, holder: LockHolder, storeFile: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockFile, 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'ENOENT') throw new NotFoundError(`The directory of store ${storeFile} does not exist`, { file: storeFile });
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
    await handle.close();
    return true;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(lockFile).catch(() => undefined);
    throw error;
  }
}

async function readLockHolder(lockFile: string): Promise<LockHolder | 'missing' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.token === 'string') {
      return { pid: parsed.pid, hostname: parsed.hostname, token: parsed.token, acquiredAt: Number(parsed.acquiredAt) };
    }
  } catch {
    // Not JSON: a foreign file, or a holder that died between creating and filling it.
  }
  return 'unreadable';
}

function isStale(holder: LockHolder): boolean {
  return holder.hostname === os.hostname() && holder.pid !== process.pid && !processIsAlive(holder.pid);
}

/** A takeover guard older than this was left by a process that died inside the (microseconds long) takeover. */
const TAKEOVER_GUARD_STALE_MS = 10_000;

/**
 * Removes a stale lock file so the caller can retry creating its own. Of several processes taking over the
 * same stale lock, only the one that creates `<lock>.takeover` (O_EXCL) may act; it deletes the lock file only
 * if it still holds the stale holder's token, so a fresh lock taken meanwhile is never touched. The others
 * return and retry: whoever then creates the lock file first (O_EXCL) holds it. A guard left behind by a
 * process that died during its takeover is removed once it is older than 10 s.
 */
async function setAsideStaleLock(lockFile: string, stale: LockHolder): Promise<void> {
  const guard = `${lockFile}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > TAKEOVER_GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    return;
  }
  try {
    await handle.close();
    const current = await readLockHolder(lockFile);
    if (typeof current !== 'string' && current.token === stale.token) await unlink(lockFile).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

async function releaseLock(lockFile: string, token: string): Promise<void> {
  const current = await readLockHolder(lockFile);
  if (typeof current !== 'string' && current.token === token) await unlink(lockFile);
}
