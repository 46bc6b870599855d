import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { StoreCorruptError } from '@pv/core';
import {
  GENESIS,
  buildEntry,
  publicEntry,
  redact,
  verifyEntry,
  type AuditAction,
  type AuditActor,
  type AuditEntry,
  type AuditEvent,
  type StoredEntry,
} from './audit-entry.js';

/** Which entries {@link AuditTrail.entries} yields. */
export interface AuditFilter {
  /** Only entries naming this label among their (not erased) subjects. */
  readonly subject?: string;
  readonly action?: AuditAction;
  /** Only entries of this actor id. */
  readonly actorId?: string;
  /** Only entries at or after this time. */
  readonly since?: Date;
  /** Only entries before this time. */
  readonly until?: Date;
}

/** The result of {@link AuditTrail.verify}. */
export interface AuditVerification {
  /** True when every line is well formed, in sequence, chained to the previous one and unedited. */
  readonly ok: boolean;
  /** Entries read. */
  readonly entries: number;
  /** Subjects erased (by {@link AuditTrail.erasePerson}) across all entries. */
  readonly erasedSubjects: number;
  /** The first problem: the line number and what is wrong. */
  readonly problem?: { readonly line: number; readonly reason: string };
}

/** Records events for one actor at one origin (what the CLI and the server hold per command or request). */
export interface AuditRecorder {
  readonly trail: AuditTrail;
  readonly actor: AuditActor;
  readonly origin: string;
  /** Appends one entry; resolves once it is on disk. */
  record(event: AuditEvent): Promise<AuditEntry>;
}

/** Permission bits of a new trail: it names people, so owner-only. */
const NEW_FILE_MODE = 0o600;
const TAIL_CHUNK = 64 * 1024;

/** The trail kept beside a store file: `<store file>.audit.jsonl`. */
export function auditTrailPathFor(storeFile: string): string {
  return `${path.resolve(storeFile)}.audit.jsonl`;
}

/** The actor and origin of a command run by the current local user: `local-user:<name>`, `cli@<host>`. */
export function localActor(): { actor: AuditActor; origin: string } {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid-${process.getuid?.() ?? 'unknown'}`;
  }
  return { actor: { kind: 'local-user', id: name }, origin: `cli@${hostname()}` };
}

/**
 * An append-only audit trail in a JSON Lines file: who enrolled, deleted, exported or searched whom,
 * when and from where. Entries hold labels, record ids, counts and text, never vectors or images.
 *
 * Each line carries the SHA-256 of its content chained to the previous line's, so {@link verify} finds
 * any line edited, removed or inserted. The labels and record ids of a subject are committed to by a
 * salted digest that the chain covers instead of the fields themselves: {@link erasePerson} can then
 * remove a person's fields (and salt) from every entry and the chain still verifies, while nothing left
 * lets anyone test a guessed name against the erased entries.
 *
 * Appends from one process are serialised; several processes appending to one trail at the same moment
 * may fork the chain (which {@link verify} reports) — give each store one writing process, as the stores
 * themselves expect.
 *
 * @example
 * ```ts
 * const trail = await AuditTrail.open(auditTrailPathFor('faces.pvstore'));
 * const audit = trail.as({ kind: 'api-key', id: 'key-7' }, '203.0.113.9');
 * await audit.record({ action: 'enroll', subjects: ['alice'], count: 3, store: 'faces.pvstore' });
 * for await (const entry of trail.entries({ subject: 'alice' })) console.log(entry.at, entry.action);
 * ```
 */
export class AuditTrail {
  /** Absolute path of the trail file. */
  readonly file: string;
  #last: { seq: number; hash: string };
  #size: number;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(file: string, last: { seq: number; hash: string }, size: number) {
    this.file = file;
    this.#last = last;
    this.#size = size;
  }

  /** Opens the trail in `file` (created on the first append). A last line that is not an entry is `E_STORE_CORRUPT`. */
  static async open(file: string): Promise<AuditTrail> {
    const resolved = path.resolve(file);
    const { last, size } = await readLast(resolved);
    return new AuditTrail(resolved, last, size);
  }

  /**
   * A recorder for `actor` at `origin` (e.g. one per server request); with `store`, every entry it records
   * names that store unless the event names one itself.
   */
  as(actor: AuditActor, origin: string, store?: string): AuditRecorder {
    return { trail: this, actor, origin, record: (event) => this.append(store === undefined ? event : { store, ...event }, actor, origin) };
  }

  /** Appends one entry and waits until it is on disk. Refuses (`E_INVALID_ARGUMENT`) anything but text, ids and counts. */
  append(event: AuditEvent, actor: AuditActor, origin: string): Promise<AuditEntry> {
    return this.#serialise(async () => {
      const current = await sizeOf(this.file);
      // Another process appended since: continue its chain.
      if (current !== this.#size) ({ last: this.#last, size: this.#size } = await readLast(this.file));
      const stored = buildEntry(event, actor, origin, this.#last.seq + 1, this.#last.hash, new Date());
      const line = `${JSON.stringify(stored)}\n`;
      const handle = await open(this.file, 'a', NEW_FILE_MODE);
      try {
        await handle.appendFile(line, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.#last = { seq: stored.seq, hash: stored.hash };
      this.#size += Buffer.byteLength(line, 'utf8');
      return publicEntry(stored);
    });
  }

  /** The entries (oldest first) that pass `filter`. */
  async *entries(filter: AuditFilter = {}): AsyncIterable<AuditEntry> {
    for await (const { entry } of storedLines(this.file)) {
      if (entry === null) continue;
      const view = publicEntry(entry);
      if (matches(view, filter)) yield view;
    }
  }

  /** Checks every line: well formed, in sequence, chained and unedited. */
  async verify(): Promise<AuditVerification> {
    let prev = GENESIS;
    let entries = 0;
    let erasedSubjects = 0;
    for await (const { line, entry } of storedLines(this.file)) {
      const reason = entry === null ? 'not an audit entry' : verifyEntry(entry, prev, entries + 1);
      if (reason !== null || entry === null) return { ok: false, entries, erasedSubjects, problem: { line, reason: reason ?? 'not an audit entry' } };
      entries++;
      erasedSubjects += entry.subjects.filter((s) => s === null).length;
      prev = entry.hash;
    }
    return { ok: true, entries, erasedSubjects };
  }

  /**
   * Removes `label`'s personal fields (the label, its record ids and the salt of their digest) from every
   * entry, rewriting the trail atomically; the entries stay (who did what, when) and the chain still
   * verifies. Returns how many entries named the person.
   */
  erasePerson(label: string): Promise<number> {
    return this.#serialise(async () => {
      const kept: string[] = [];
      let changed = 0;
      for await (const { entry, text } of storedLines(this.file)) {
        if (entry === null) {
          kept.push(text);
          continue;
        }
        const redacted = redact(entry, label);
        if (redacted.subjects.some((s, i) => s !== entry.subjects[i])) changed++;
        kept.push(JSON.stringify(redacted));
      }
      if (changed === 0) return 0;
      const body = kept.map((line) => `${line}\n`).join('');
      await replaceFile(this.file, body);
      this.#size = Buffer.byteLength(body, 'utf8');
      return changed;
    });
  }

  #serialise<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}

function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.action !== undefined && entry.action !== filter.action) return false;
  if (filter.actorId !== undefined && entry.actor.id !== filter.actorId) return false;
  if (filter.subject !== undefined && !entry.subjects.some((s) => s?.label === filter.subject)) return false;
  const at = Date.parse(entry.at);
  if (filter.since !== undefined && at < filter.since.getTime()) return false;
  if (filter.until !== undefined && at >= filter.until.getTime()) return false;
  return true;
}

/** Each line of the trail (1-based number, text, parsed entry or `null`); nothing when the file is absent. */
async function* storedLines(file: string): AsyncGenerator<{ line: number; text: string; entry: StoredEntry | null }> {
  if ((await sizeOf(file)) === 0) return;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.length === 0) continue;
    yield { line, text, entry: parseLine(text) };
  }
}

function parseLine(text: string): StoredEntry | null {
  try {
    const value = JSON.parse(text) as StoredEntry;
    return typeof value === 'object' && value !== null && value.v === 1 && typeof value.hash === 'string' && Array.isArray(value.subjects) ? value : null;
  } catch {
    return null;
  }
}

/** The last entry's sequence number and hash (reading the file from its end), and the file's size. */
async function readLast(file: string): Promise<{ last: { seq: number; hash: string }; size: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { last: { seq: 0, hash: GENESIS }, size: 0 };
    throw error;
  }
  try {
    const size = (await handle.stat()).size;
    let window = Math.min(size, TAIL_CHUNK);
    for (;;) {
      const bytes = Buffer.alloc(window);
      await handle.read(bytes, 0, window, size - window);
      const text = bytes.toString('utf8').replace(/\n+$/u, '');
      const cut = text.lastIndexOf('\n');
      if (cut >= 0 || window === size) {
        const lastLine = text.slice(cut + 1);
        if (lastLine.length === 0) return { last: { seq: 0, hash: GENESIS }, size };
        const entry = parseLine(lastLine);
        if (entry === null) throw new StoreCorruptError(`Audit trail ${file} ends with a line that is not an entry; it was left untouched`, { file });
        return { last: { seq: entry.seq, hash: entry.hash }, size };
      }
      window = Math.min(size, window * 2);
    }
  } finally {
    await handle.close();
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** Replaces `file` with `body` atomically (temporary file, fsync, rename), keeping owner-only permissions. */
async function replaceFile(file: string, body: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomUUID()}.tmp`);
  const handle = await open(temp, 'wx', NEW_FILE_MODE);
  try {
    await handle.writeFile(body, 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}
