import { InvalidArgumentError, type Store } from '@pv/core';
import type { AuditRecorder } from './audit-trail.js';
import { eraseDeleted } from './erase-deleted.js';

/** Options of {@link removeExpired}. */
export interface RetentionOptions {
  /** Records created more than this many milliseconds before `now` are removed. */
  readonly maxAgeMs: number;
  /** The time to measure from (default: the current time). */
  readonly now?: Date;
  /** Records the removal (labels and record ids, never vectors). */
  readonly audit?: AuditRecorder;
}

/** What {@link removeExpired} removed. */
export interface RetentionResult {
  readonly removed: number;
  /** Labels that lost records, sorted. */
  readonly labels: readonly string[];
  /** Records created before this time were removed (ISO 8601 UTC). */
  readonly cutoff: string;
}

/**
 * Removes (and erases, see `eraseDeleted`) every record of `store` older than `maxAgeMs`, for a retention
 * limit: `removeExpired(store, { maxAgeMs: 365 * 24 * 3600 * 1000 })`.
 */
export async function removeExpired(store: Store, options: RetentionOptions): Promise<RetentionResult> {
  if (!(Number.isFinite(options.maxAgeMs) && options.maxAgeMs >= 0)) {
    throw new InvalidArgumentError(`maxAgeMs must be a non-negative number, not ${String(options.maxAgeMs)}`);
  }
  const cutoff = (options.now ?? new Date()).getTime() - options.maxAgeMs;
  const expired = new Map<string, string[]>();
  for await (const record of store.records()) {
    if (record.createdAt >= cutoff) continue;
    const ids = expired.get(record.label) ?? [];
    ids.push(record.id);
    expired.set(record.label, ids);
  }
  let removed = 0;
  for (const ids of expired.values()) for (const id of ids) if (await store.delete(id)) removed++;
  if (removed > 0) await eraseDeleted(store);
  const labels = [...expired.keys()].sort();
  const cutoffText = new Date(cutoff).toISOString();
  if (options.audit && removed > 0) {
    await options.audit.record({ action: 'retention', subjects: labels, recordIds: labels.map((l) => expired.get(l) ?? []), count: removed, detail: `created before ${cutoffText}` });
  }
  return { removed, labels, cutoff: cutoffText };
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60 * 1000,
  h: 3600 * 1000,
  d: 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  y: 365 * 24 * 3600 * 1000,
};

/**
 * Reads a retention limit written as a whole number and a unit — `s` seconds, `m` minutes, `h` hours,
 * `d` days, `w` weeks, `y` years of 365 days (`90d`, `2y`) — as milliseconds for {@link removeExpired}.
 * Anything else is `E_INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * await removeExpired(store, { maxAgeMs: parseMaxAge('365d') });
 * ```
 */
export function parseMaxAge(text: string): number {
  const match = /^(\d+)\s*([smhdwy])$/u.exec(text.trim());
  const unit = match ? DURATION_UNITS[match[2] as string] : undefined;
  if (!match || unit === undefined) {
    throw new InvalidArgumentError(`"${text}" is not a duration: write a whole number and a unit (s, m, h, d, w, y), e.g. 90d or 2y`, { value: text });
  }
  const ms = Number(match[1]) * unit;
  if (!Number.isSafeInteger(ms)) throw new InvalidArgumentError(`The duration "${text}" is too long`, { value: text });
  return ms;
}
