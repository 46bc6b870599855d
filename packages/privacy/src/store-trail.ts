import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { storeUriPath, UNKNOWN_LABEL } from '@pv/core';
import type { AuditSettings } from '@pv/settings';
import { dataDirectory } from '@pv/settings/node';
import { stores } from '@pv/stores';
import { AuditTrail, auditTrailPathFor } from './audit-trail.js';

/** Options of {@link storeAuditTrailPath} and {@link openStoreAuditTrail}. */
export interface StoreTrailOptions {
  /** Whether to keep a trail and where (from `loadAuditSettings` of `@pv/settings/node`); default on, beside the store. */
  readonly settings?: AuditSettings;
  /** For the default location of stores without files of their own (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The audit trail file of the store a URI names (any URI the `@pv/stores` registry resolves), or
 * `undefined` when there is none:
 *
 * - turned off (`PV_AUDIT=off`): none;
 * - a trail named in the settings (`PV_AUDIT_TRAIL`, `auditTrail`): that file, for every store;
 * - `file:PATH`, `sqlite:PATH` (and bare paths): `PATH.audit.jsonl` beside the store;
 * - `hnsw:DIR`: `DIR/gallery.db.audit.jsonl`, beside its database;
 * - `memory:`: none (nothing outlives the process);
 * - any other store (PostgreSQL, plugins): `<pv data folder>/audit/<scheme>-<digest of the URI without
 *   password>.audit.jsonl`, since the store keeps no files of its own.
 *
 * @example
 * ```ts
 * await storeAuditTrailPath('sqlite:/data/faces.db'); // '/data/faces.db.audit.jsonl'
 * ```
 */
export async function storeAuditTrailPath(storeUri: string, options: StoreTrailOptions = {}): Promise<string | undefined> {
  const settings = options.settings ?? { enabled: true, trail: undefined };
  if (!settings.enabled) return undefined;
  if (settings.trail !== undefined) return path.resolve(settings.trail);
  const scheme = stores.schemeOf(storeUri);
  const location = (): string => (storeUri.toLowerCase().startsWith(`${scheme}:`) ? storeUriPath(storeUri, `${scheme}:PATH`) : storeUri);
  if (scheme === 'file' || scheme === 'sqlite') return auditTrailPathFor(location());
  if (scheme === 'hnsw') {
    const { HNSW_DATABASE_FILE } = await import('@pv/store-hnsw');
    return auditTrailPathFor(path.join(location(), HNSW_DATABASE_FILE));
  }
  if (scheme === 'memory') return undefined;
  const digest = createHash('sha256').update(withoutPassword(storeUri)).digest('hex').slice(0, 16);
  return path.join(dataDirectory(options.env), 'audit', `${scheme}-${digest}.audit.jsonl`);
}

/**
 * Opens the audit trail of the store a URI names (see {@link storeAuditTrailPath} for where it is), creating
 * its folder when needed; `undefined` when the store has none or the trail is turned off. The one place the
 * CLI and the server find a store's trail.
 *
 * @example
 * ```ts
 * const trail = await openStoreAuditTrail('sqlite:faces.db', { settings: loadAuditSettings() });
 * const { actor, origin } = localActor();
 * await trail?.as(actor, origin).record({ action: 'search', subjects: ['alice'] });
 * ```
 */
export async function openStoreAuditTrail(storeUri: string, options: StoreTrailOptions = {}): Promise<AuditTrail | undefined> {
  const file = await storeAuditTrailPath(storeUri, options);
  if (file === undefined) return undefined;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  return AuditTrail.open(file);
}

/** A URI with any password in its authority replaced (`postgres://u:secret@h/db` → `postgres://u@h/db`). */
export function withoutPassword(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/iu, '$1@');
}

/**
 * The subjects an identity read revealed, for a `search` entry: the distinct labels of `labels` in order of
 * first appearance, without `unknown` (which names nobody).
 *
 * @example
 * ```ts
 * revealedSubjects(['alice', 'unknown', 'alice', 'bob']); // ['alice', 'bob']
 * ```
 */
export function revealedSubjects(labels: Iterable<string>): string[] {
  return [...new Set(labels)].filter((label) => label !== UNKNOWN_LABEL);
}
