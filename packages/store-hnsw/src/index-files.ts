import { chmod, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeCursor } from '@pv/store-sqlite';

/** An index file beside the database: `<db file>.<store id>.s<seq>.d<deletion>.hnsw`. */
export interface IndexFile {
  readonly path: string;
  readonly storeId: string;
  /** The database state the graph in the file reflects. */
  readonly cursor: ChangeCursor;
}

const FILE_PATTERN = /^\.([0-9a-f-]{36})\.s(\d+)\.d(\d+)\.hnsw$/u;
const TEMP_PATTERN = /^\.[0-9a-f-]{36}\.s\d+\.d\d+\.hnsw\.tmp-(\d+)$/u;

/** The path of the index file of `storeId` at `cursor`, beside `dbFile`. */
export function indexFilePath(dbFile: string, storeId: string, cursor: ChangeCursor): string {
  return `${dbFile}.${storeId}.s${cursor.seq}.d${cursor.deletion}.hnsw`;
}

/** The index files beside `dbFile`, of any store id, newest state first. */
export async function listIndexFiles(dbFile: string): Promise<IndexFile[]> {
  const found: IndexFile[] = [];
  for (const { name, suffix } of await siblings(dbFile)) {
    const match = FILE_PATTERN.exec(suffix);
    if (!match) continue;
    found.push({
      path: path.join(path.dirname(dbFile), name),
      storeId: match[1] as string,
      cursor: { seq: Number(match[2]), deletion: Number(match[3]) },
    });
  }
  return found.sort((a, b) => b.cursor.seq - a.cursor.seq || b.cursor.deletion - a.cursor.deletion);
}

/**
 * Publishes an index file atomically, owner-only (mode 0600): `write` fills a temporary file, which is flushed to disk and then
 * renamed to `target`, so `target` is either absent or complete, whenever the process dies.
 */
export async function publishIndexFile(target: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = `${target}.tmp-${process.pid}`;
  try {
    // Created owner-only (0600) before the writer fills it: hnswlib truncates it and keeps its mode.
    await (await open(temp, 'w', 0o600)).close();
    await write(temp);
    await chmod(temp, 0o600);
    await syncFile(temp, 'r+');
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; some platforms cannot open a directory, which only weakens that.
  await syncFile(path.dirname(target), 'r').catch(() => undefined);
}

/**
 * Removes index files superseded by `kept` (older states of the same store, or files of another store
 * that used this database path) and temporary files of processes that no longer run.
 */
export async function removeStaleIndexFiles(dbFile: string, kept: IndexFile): Promise<void> {
  const dir = path.dirname(dbFile);
  for (const { name, suffix } of await siblings(dbFile)) {
    const file = FILE_PATTERN.exec(suffix);
    const temp = TEMP_PATTERN.exec(suffix);
    let stale = false;
    if (file) {
      const sameStore = file[1] === kept.storeId;
      const older = Number(file[2]) <= kept.cursor.seq && Number(file[3]) <= kept.cursor.deletion;
      stale = path.join(dir, name) !== kept.path && (!sameStore || older);
    } else if (temp) {
      stale = !processIsRunning(Number(temp[1]));
    }
    if (stale) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

async function siblings(dbFile: string): Promise<{ name: string; suffix: string }[]> {
  const base = path.basename(dbFile);
  let names: string[];
  try {
    names = await readdir(path.dirname(dbFile));
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(`${base}.`)).map((name) => ({ name, suffix: name.slice(base.length) }));
}

async function syncFile(file: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(file, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function processIsRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown }).code === 'EPERM';
  }
}
