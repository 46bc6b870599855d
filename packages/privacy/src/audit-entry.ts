import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@pv/core';

/** What was done. `search` covers every identity read (identify, verify, compare against a stored person). */
export type AuditAction = 'enroll' | 'delete' | 'export' | 'search' | 'erase' | 'retention' | 'rekey';

/** The actions an entry may name. */
export const AUDIT_ACTIONS: readonly AuditAction[] = ['enroll', 'delete', 'export', 'search', 'erase', 'retention', 'rekey'];

/** Who did it: the id of a server API key (never the key itself), or a local user of the CLI. */
export interface AuditActor {
  readonly kind: 'api-key' | 'local-user';
  readonly id: string;
}

/**
 * One thing that happened, as the caller reports it. Holds names, ids, counts and text only: an audit
 * trail never contains vectors or images ({@link AuditTrail.append} refuses any other value).
 */
export interface AuditEvent {
  readonly action: AuditAction;
  /** The labels (people) concerned: enrolled, deleted, exported, or returned by a search. */
  readonly subjects?: readonly string[];
  /** Record ids concerned, per subject (same order as `subjects`), when known. */
  readonly recordIds?: readonly (readonly string[])[];
  /** How many records the action touched. */
  readonly count?: number;
  /** The store acted on (a path or URI without password). */
  readonly store?: string;
  /** `error` when the action failed (the entry then says who tried). Default `ok`. */
  readonly outcome?: 'ok' | 'error';
  /** A short free text (at most 200 characters; no personal data). */
  readonly detail?: string;
}

/** A subject's personal fields in an entry; `null` once the person was erased from the trail. */
export interface AuditSubject {
  readonly label: string;
  readonly recordIds: readonly string[];
}

/** An entry as read back from a trail. */
export interface AuditEntry {
  /** Position in the trail, from 1. */
  readonly seq: number;
  /** When, as an ISO 8601 UTC time. */
  readonly at: string;
  readonly actor: AuditActor;
  /** Where from: the client's address for the server, `cli@<host>` for the CLI. */
  readonly origin: string;
  readonly action: AuditAction;
  /** The subjects, `null` for each one erased since. */
  readonly subjects: readonly (AuditSubject | null)[];
  readonly count: number | null;
  readonly store: string | null;
  readonly outcome: 'ok' | 'error';
  readonly detail: string | null;
}

/** A subject as stored: its personal fields and the random salt of its commitment (both erasable). */
interface StoredSubject {
  readonly label: string;
  readonly recordIds: readonly string[];
  readonly salt: string;
}

/** The line format of a trail (version 1). `digests` commit to the subjects; `hash` chains the lines. */
export interface StoredEntry {
  readonly v: 1;
  readonly seq: number;
  readonly at: string;
  readonly actor: AuditActor;
  readonly origin: string;
  readonly action: AuditAction;
  readonly count: number | null;
  readonly store: string | null;
  readonly outcome: 'ok' | 'error';
  readonly detail: string | null;
  readonly subjects: readonly (StoredSubject | null)[];
  readonly digests: readonly string[];
  readonly prev: string;
  readonly hash: string;
}

/** The `prev` of a trail's first entry. */
export const GENESIS = '0'.repeat(64);

const MAX_DETAIL = 200;
const MAX_TEXT = 4096;

/** Checks an event (and who and where) and builds its line, chained to `prev`. */
export function buildEntry(event: AuditEvent, actor: AuditActor, origin: string, seq: number, prev: string, now: Date): StoredEntry {
  if (!AUDIT_ACTIONS.includes(event.action)) throw new InvalidArgumentError(`Unknown audit action "${String(event.action)}"`);
  checkActor(actor);
  checkText('origin', origin);
  const subjects = (event.subjects ?? []).map((label, i): StoredSubject => {
    checkText('subject', label);
    const ids = event.recordIds?.[i] ?? [];
    if (!Array.isArray(ids)) throw new InvalidArgumentError('recordIds must hold one array of ids per subject');
    ids.forEach((id) => checkText('record id', id));
    return { label, recordIds: [...ids], salt: randomBytes(16).toString('hex') };
  });
  if (event.recordIds !== undefined && event.recordIds.length !== subjects.length) {
    throw new InvalidArgumentError('recordIds must hold one array of ids per subject');
  }
  if (event.count !== undefined && !(Number.isSafeInteger(event.count) && event.count >= 0)) {
    throw new InvalidArgumentError(`count must be a non-negative integer, not ${String(event.count)}`);
  }
  if (event.store !== undefined) checkText('store', event.store);
  if (event.detail !== undefined && (typeof event.detail !== 'string' || event.detail.length > MAX_DETAIL)) {
    throw new InvalidArgumentError(`detail must be a string of at most ${MAX_DETAIL} characters`);
  }
  if (event.outcome !== undefined && event.outcome !== 'ok' && event.outcome !== 'error') {
    throw new InvalidArgumentError(`outcome must be "ok" or "error", not "${String(event.outcome)}"`);
  }
  const unsigned = {
    v: 1 as const,
    seq,
    at: now.toISOString(),
    actor: { kind: actor.kind, id: actor.id },
    origin,
    action: event.action,
    count: event.count ?? null,
    store: event.store ?? null,
    outcome: event.outcome ?? 'ok',
    detail: event.detail ?? null,
    subjects,
    digests: subjects.map(subjectDigest),
    prev,
  };
  return { ...unsigned, hash: chainHash(unsigned) };
}

/** The entry as callers see it (salts dropped). */
export function publicEntry(stored: StoredEntry): AuditEntry {
  return {
    seq: stored.seq,
    at: stored.at,
    actor: stored.actor,
    origin: stored.origin,
    action: stored.action,
    subjects: stored.subjects.map((s) => (s === null ? null : { label: s.label, recordIds: s.recordIds })),
    count: stored.count,
    store: stored.store,
    outcome: stored.outcome,
    detail: stored.detail,
  };
}

/** The entry with every subject labelled `label` replaced by `null` (its digest, and so the chain, stay valid). */
export function redact(stored: StoredEntry, label: string): StoredEntry {
  return { ...stored, subjects: stored.subjects.map((s) => (s !== null && s.label === label ? null : s)) };
}

/**
 * Why `stored` does not verify after `prev`, or `null` when it does: the chain link, the line's hash, and
 * each remaining subject's commitment are checked.
 */
export function verifyEntry(stored: StoredEntry, prev: string, seq: number): string | null {
  if (stored.v !== 1) return `unknown entry version ${String(stored.v)}`;
  if (stored.seq !== seq) return `sequence ${stored.seq} where ${seq} was expected (an entry was removed or inserted)`;
  if (stored.prev !== prev) return 'does not follow the previous entry (the chain is broken)';
  const { hash, ...unsigned } = stored;
  if (chainHash(unsigned) !== hash) return 'its content does not match its hash (it was edited)';
  if (stored.subjects.length !== stored.digests.length) return 'subjects and digests differ in number';
  for (const [i, subject] of stored.subjects.entries()) {
    if (subject !== null && subjectDigest(subject) !== stored.digests[i]) return `subject ${i} does not match its commitment (it was edited)`;
  }
  return null;
}

function subjectDigest(subject: StoredSubject): string {
  return createHash('sha256').update(JSON.stringify([subject.salt, subject.label, subject.recordIds])).digest('hex');
}

/** The hash of a line: everything but the subjects' personal fields (committed to by `digests`). */
function chainHash(entry: Omit<StoredEntry, 'hash'>): string {
  const covered = [entry.v, entry.seq, entry.at, entry.actor.kind, entry.actor.id, entry.origin, entry.action, entry.count, entry.store, entry.outcome, entry.detail, entry.digests, entry.prev];
  return createHash('sha256').update(JSON.stringify(covered)).digest('hex');
}

function checkActor(actor: AuditActor): void {
  if (typeof actor !== 'object' || actor === null || (actor.kind !== 'api-key' && actor.kind !== 'local-user')) {
    throw new InvalidArgumentError('actor must be { kind: "api-key" | "local-user", id }');
  }
  checkText('actor id', actor.id);
}

/** Refuses anything but a non-empty string of bounded length: no vectors, images or buffers get in. */
function checkText(name: string, value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_TEXT) {
    throw new InvalidArgumentError(`${name} must be a non-empty string of at most ${MAX_TEXT} characters`);
  }
}
