import type { Box, Store } from '@pv/core';
import type { AuditEntry } from './audit-entry.js';
import type { AuditRecorder, AuditTrail } from './audit-trail.js';
import { eraseDeleted } from './erase-deleted.js';

/** One record of a person's data, as exported. */
export interface ExportedRecord {
  readonly id: string;
  readonly modelId: string;
  /** Creation time, ISO 8601 UTC. */
  readonly createdAt: string;
  /** The source image file, as given when enrolling. */
  readonly sourceFile: string | null;
  readonly box: Box | null;
  /** The embedding (it is the person's data too). */
  readonly vector: readonly number[];
}

/** Everything pv holds about one person. */
export interface PersonExport {
  readonly label: string;
  /** When the export was made, ISO 8601 UTC. */
  readonly exportedAt: string;
  readonly records: readonly ExportedRecord[];
  /** The distinct source image files, in record order. */
  readonly sources: readonly string[];
  /** The audit entries naming the person (empty without an audit trail). */
  readonly audit: readonly AuditEntry[];
}

/** What {@link erasePerson} removed. */
export interface PersonErasure {
  /** Records deleted from the store. */
  readonly records: number;
  /** Audit entries from which the person's fields were removed. */
  readonly auditEntries: number;
}

/**
 * Everything `store` and the audit trail hold about `label`: its records (with vectors and sources) and
 * the audit entries naming it. With `audit`, the export itself is recorded (without vectors).
 *
 * @example
 * ```ts
 * const data = await exportPerson(store, 'alice', trail.as(localActor().actor, localActor().origin));
 * await writeFile('alice.json', JSON.stringify(data, null, 2));
 * ```
 */
export async function exportPerson(store: Store, label: string, audit?: AuditRecorder): Promise<PersonExport> {
  const records: ExportedRecord[] = [];
  for await (const record of store.records()) {
    if (record.label !== label) continue;
    records.push({
      id: record.id,
      modelId: record.modelId,
      createdAt: new Date(record.createdAt).toISOString(),
      sourceFile: record.source?.file ?? null,
      box: record.source?.box ?? null,
      vector: Array.from(record.vector),
    });
  }
  const entries: AuditEntry[] = [];
  if (audit) for await (const entry of audit.trail.entries({ subject: label })) entries.push(entry);
  const sources = [...new Set(records.flatMap((r) => (r.sourceFile === null ? [] : [r.sourceFile])))];
  await audit?.record({ action: 'export', subjects: [label], recordIds: [records.map((r) => r.id)], count: records.length });
  return { label, exportedAt: new Date().toISOString(), records, sources, audit: entries };
}

/**
 * Erases `label` everywhere pv keeps it: deletes its records, runs the store's erasure step (so no byte
 * of them stays in the store's files), and removes the person's fields from every audit entry. The
 * erasure itself is recorded without the person's name (who, when, how many records and entries).
 * Without a recorder (recording turned off), `scrub` — a trail kept earlier — still loses the person's fields.
 */
export async function erasePerson(store: Store, label: string, audit?: AuditRecorder, scrub?: AuditTrail): Promise<PersonErasure> {
  const records = await store.deleteLabel(label);
  await eraseDeleted(store);
  if (!audit) return { records, auditEntries: (await scrub?.erasePerson(label)) ?? 0 };
  const auditEntries = await audit.trail.erasePerson(label);
  await audit.record({ action: 'erase', count: records, detail: `a person erased: ${records} records, named in ${auditEntries} audit entries` });
  return { records, auditEntries };
}

/**
 * Whether pv holds anything about `label`: a record in `store`, or an entry naming it in `trail`. What a
 * person's export or erasure answers "nobody by that name" to.
 */
export async function holdsPerson(store: Store, label: string, trail?: AuditTrail): Promise<boolean> {
  for await (const record of store.records()) if (record.label === label) return true;
  if (trail) for await (const entry of trail.entries({ subject: label })) if (entry) return true;
  return false;
}
