import { InvalidArgumentError, NotFoundError, StoreCorruptError } from '@pv/core';
import type { PoolClient } from 'pg';
import { isIndexMetric, type IndexMetric } from './index-metric.js';
import type { TableNames } from './table-names.js';

/** What the meta table says about a store. */
export interface StoreMeta {
  readonly schemaVersion: number;
  readonly modelId: string | null;
  readonly dimension: number | null;
  readonly metric: IndexMetric;
}

/** One step of the schema; step `i` (zero-based) brings a store from version `i` to `i + 1`. */
type Migration = (client: PoolClient, names: TableNames, metric: IndexMetric) => Promise<void>;

/**
 * Version 1: the records table (the vector column gets its dimension when the store is bound), its
 * insertion-order sequence, a label index for filters, and the single-row meta table.
 */
const createVersion1: Migration = async (client, names, metric) => {
  await client.query(
    `CREATE TABLE ${names.meta} (
       singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
       schema_version integer NOT NULL,
       model_id text,
       dimension integer,
       metric text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await client.query(`INSERT INTO ${names.meta} (schema_version, metric) VALUES (0, $1)`, [metric]);
  await client.query(
    `CREATE TABLE ${names.records} (
       seq bigint GENERATED ALWAYS AS IDENTITY,
       id text PRIMARY KEY,
       label text NOT NULL,
       vector vector NOT NULL,
       model_id text NOT NULL,
       created_at timestamptz NOT NULL,
       source_file text,
       box_x float8,
       box_y float8,
       box_width float8,
       box_height float8)`,
  );
  // pgvector stores vectors out of line (TOAST) by default once a row passes ~2 kB (from ~500 dimensions):
  // MAIN keeps them in the row unless it would not fit a page, which halves the time of exact scans.
  await client.query(`ALTER TABLE ${names.records} ALTER COLUMN vector SET STORAGE MAIN`);
  await client.query(`CREATE UNIQUE INDEX ${names.seqIndex} ON ${names.records} (seq)`);
  await client.query(`CREATE INDEX ${names.labelIndex} ON ${names.records} (label, seq)`);
};

const MIGRATIONS: readonly Migration[] = [createVersion1];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

async function exists(client: PoolClient, quotedName: string): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [quotedName]);
  return rows[0]?.found === true;
}

/** The installed version of the `vector` extension in this database (e.g. `0.8.1`), or `null`. */
export async function vectorExtensionVersion(client: PoolClient): Promise<string | null> {
  const { rows } = await client.query<{ extversion: string }>("SELECT extversion FROM pg_extension WHERE extname = 'vector'");
  return rows[0]?.extversion ?? null;
}

/** True when pgvector `version` has iterative index scans (`hnsw.iterative_scan`, from 0.8.0). */
export function hasIterativeScan(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 0 || minor >= 8;
}

/** Reads the meta row; `forUpdate` locks it until the transaction ends (writers that bind the store take it). */
export async function readMeta(client: PoolClient, names: TableNames, forUpdate = false): Promise<StoreMeta> {
  const { rows } = await client.query<{ schema_version: number; model_id: string | null; dimension: number | null; metric: string }>(
    `SELECT schema_version, model_id, dimension, metric FROM ${names.meta}${forUpdate ? ' FOR UPDATE' : ''}`,
  );
  const row = rows[0];
  if (rows.length !== 1 || row === undefined || !isIndexMetric(row.metric)) {
    throw new StoreCorruptError(`The meta table of "${names.table}" does not hold exactly one valid row`, { table: names.table });
  }
  return { schemaVersion: row.schema_version, modelId: row.model_id, dimension: row.dimension, metric: row.metric };
}

/**
 * The meta row of an existing store, `null` when there is no store of that name. Refuses (with
 * `E_STORE_CORRUPT`) a table that exists without pv's meta table, a meta table without its records table,
 * and a schema newer than this code.
 */
async function inspect(client: PoolClient, names: TableNames): Promise<StoreMeta | null> {
  const hasMeta = await exists(client, names.meta);
  const hasRecords = await exists(client, names.records);
  if (!hasMeta && hasRecords) {
    throw new StoreCorruptError(`Table "${names.table}" exists but is not a pv store (no meta table)`, { table: names.table });
  }
  if (hasMeta && !hasRecords) {
    throw new StoreCorruptError(`The records table of "${names.table}" is missing`, { table: names.table });
  }
  if (!hasMeta) return null;
  const meta = await readMeta(client, names);
  if (meta.schemaVersion > SCHEMA_VERSION) {
    throw new StoreCorruptError(`Table "${names.table}" has schema version ${meta.schemaVersion}; this code knows up to ${SCHEMA_VERSION}`, {
      table: names.table,
      version: meta.schemaVersion,
      known: SCHEMA_VERSION,
    });
  }
  return meta;
}

/**
 * Creates the `vector` extension when it is missing (which needs the privilege to), then creates or
 * upgrades the store's tables inside the caller's transaction, serialised against other processes opening
 * stores by an advisory lock. Refuses what {@link inspect} refuses, changing nothing.
 */
export async function migrate(client: PoolClient, names: TableNames, metric: IndexMetric): Promise<StoreMeta> {
  // One lock for all stores: it also keeps two first opens from creating the extension at once.
  await client.query("SELECT pg_advisory_xact_lock(hashtext('pv-store-pgvector'))");
  if ((await vectorExtensionVersion(client)) === null) await client.query('CREATE EXTENSION IF NOT EXISTS vector');
  for (let version = (await inspect(client, names))?.schemaVersion ?? 0; version < SCHEMA_VERSION; version++) {
    await (MIGRATIONS[version] as Migration)(client, names, metric);
    await client.query(`UPDATE ${names.meta} SET schema_version = $1`, [version + 1]);
  }
  return readMeta(client, names);
}

/**
 * The meta row of an existing store at the current schema version, writing nothing (for read-only
 * handles, e.g. on a streaming replica). A missing store is `E_NOT_FOUND`; an older schema must be
 * migrated by a writer first (`E_INVALID_ARGUMENT`).
 */
export async function readExisting(client: PoolClient, names: TableNames): Promise<StoreMeta> {
  const meta = await inspect(client, names);
  if (meta === null) throw new NotFoundError(`There is no pv store "${names.table}"`, { table: names.table });
  if (meta.schemaVersion < SCHEMA_VERSION) {
    throw new InvalidArgumentError(
      `Store "${names.table}" has schema version ${meta.schemaVersion}: open it once for writing to migrate it to ${SCHEMA_VERSION}`,
      { table: names.table, version: meta.schemaVersion },
    );
  }
  return meta;
}
