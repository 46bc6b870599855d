import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, MetricUnsupportedError, StoreCorruptError } from '@pv/core';
import type { RecordDatabase } from '@pv/store-sqlite';
import type { HnswSpace } from './gallery-index.js';

/** The index settings fixed when a store is created, kept in the database's `pv_meta` table. */
export interface HnswSettings {
  readonly space: HnswSpace;
  readonly m: number;
  readonly efConstruction: number;
  /** Random id of this store's index files, so files of another database at the same path are never used. */
  readonly storeId: string;
}

/** Defaults of the creation-time settings. */
export const DEFAULT_SETTINGS = { space: 'cosine', m: 16, efConstruction: 200 } as const;

const KEYS = { space: 'hnsw.space', m: 'hnsw.m', efConstruction: 'hnsw.ef_construction', storeId: 'hnsw.store_id' } as const;

/**
 * Reads the stored settings, or stores the requested ones (defaults for those not given) when the
 * database has none yet. Call inside a write transaction. A requested space other than the stored one is
 * `E_METRIC_UNSUPPORTED`; other differing settings are `E_INVALID_ARGUMENT`.
 */
export function resolveSettings(
  db: RecordDatabase,
  requested: { readonly space?: HnswSpace; readonly m?: number; readonly efConstruction?: number },
): HnswSettings {
  const storedSpace = db.meta(KEYS.space);
  if (storedSpace === undefined) {
    const settings: HnswSettings = {
      space: requested.space ?? DEFAULT_SETTINGS.space,
      m: requested.m ?? DEFAULT_SETTINGS.m,
      efConstruction: requested.efConstruction ?? DEFAULT_SETTINGS.efConstruction,
      storeId: randomUUID(),
    };
    db.setMeta(KEYS.space, settings.space);
    db.setMeta(KEYS.m, String(settings.m));
    db.setMeta(KEYS.efConstruction, String(settings.efConstruction));
    db.setMeta(KEYS.storeId, settings.storeId);
    return settings;
  }
  const settings: HnswSettings = {
    space: storedSpace as HnswSpace,
    m: Number(db.meta(KEYS.m)),
    efConstruction: Number(db.meta(KEYS.efConstruction)),
    storeId: db.meta(KEYS.storeId) ?? '',
  };
  const valid =
    (settings.space === 'cosine' || settings.space === 'l2') &&
    Number.isInteger(settings.m) &&
    settings.m > 0 &&
    Number.isInteger(settings.efConstruction) &&
    settings.efConstruction > 0 &&
    /^[0-9a-f-]{36}$/u.test(settings.storeId);
  if (!valid) throw new StoreCorruptError(`${db.file}: the stored HNSW settings are invalid`, { file: db.file });
  if (requested.space !== undefined && requested.space !== settings.space) {
    throw new MetricUnsupportedError(requested.space, [settings.space], { file: db.file });
  }
  for (const key of ['m', 'efConstruction'] as const) {
    const wanted = requested[key];
    if (wanted !== undefined && wanted !== settings[key]) {
      throw new InvalidArgumentError(`${db.file} was built with ${key} ${settings[key]}, not ${wanted}`, { file: db.file, key });
    }
  }
  return settings;
}
