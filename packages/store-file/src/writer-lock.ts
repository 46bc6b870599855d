import { randomUUID } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { statSync } from 'node:fs';
import os from 'node:os';
import { NotFoundError, StoreLockedError } from '@pv/core';

/** Lock files are owner-only, like the store (embeddings are biometric data). */
const LOCK_FILE_MODE = 0o600;

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
    handle = await open(lockFile, 'wx', LOCK_FILE_MODE);
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
  return holder.hostname === os.hostname() && holder.pid !== process.pid && (!processIsAlive(holder.pid) || pidWasRecycled(holder));
}

/**
 * True when the process now running under the holder's pid started after the lock was taken (so it is
 * another process that got a recycled pid). Linux only (the start time of `/proc/<pid>`); elsewhere false,
 * so a live pid always counts as the holder.
 */
function pidWasRecycled(holder: LockHolder): boolean {
  if (process.platform !== 'linux' || !Number.isFinite(holder.acquiredAt)) return false;
  try {
    // 2 s of slack: /proc times are in clock ticks and the lock is written just after the process starts.
    return statSync(`/proc/${holder.pid}`).ctimeMs > holder.acquiredAt + 2000;
  } catch {
    return false;
  }
}

/** What {@link unlockStore} did. */
export interface UnlockResult {
  /** The lock file of the store. */
  readonly lockFile: string;
  /** Whether a lock file was removed (false when there was none). */
  readonly removed: boolean;
  /** Who the lock file named, when it could be read. */
  readonly holder?: LockHolder;
  /** Why it could be removed: no lock, a dead or recycled local pid, another host, or unreadable contents. */
  readonly reason: 'no-lock' | 'dead-process' | 'recycled-pid' | 'other-host' | 'unreadable';
}

/**
 * Removes the writer lock of `storeFile` left behind by a writer that is gone: the manual recovery for a
 * lock this library cannot take over by itself (one written on another host, whose processes it cannot
 * see, or one whose contents cannot be read). Refuses with `E_STORE_LOCKED`, touching nothing, while the
 * holder is a live process on this host (a pid reused by a process started after the lock was taken does
 * not count). A lock naming another host is removed: make sure no writer runs there first.
 *
 * @example
 * ```ts
 * const { removed, holder } = await unlockStore('gallery.pv');
 * ```
 */
export async function unlockStore(storeFile: string): Promise<UnlockResult> {
  const lockFile = lockFileOf(storeFile);
  const holder = await readLockHolder(lockFile);
  if (holder === 'missing') return { lockFile, removed: false, reason: 'no-lock' };
  let reason: UnlockResult['reason'];
  if (holder === 'unreadable') reason = 'unreadable';
  else if (holder.hostname !== os.hostname()) reason = 'other-host';
  else if (holder.pid !== process.pid && !processIsAlive(holder.pid)) reason = 'dead-process';
  else if (holder.pid !== process.pid && pidWasRecycled(holder)) reason = 'recycled-pid';
  else {
    throw new StoreLockedError(
      `Store ${storeFile} is being written by live process ${holder.pid} on this host (lock file ${lockFile}); not unlocked. Stop that process instead.`,
      { file: storeFile, lockFile, pid: holder.pid, hostname: holder.hostname },
    );
  }
  await unlink(lockFile).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return { lockFile, removed: true, reason, ...(typeof holder === 'string' ? {} : { holder }) };
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
    handle = await open(guard, 'wx', LOCK_FILE_MODE);
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
