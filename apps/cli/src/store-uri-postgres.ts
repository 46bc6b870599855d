import type { Store } from '@pv/core';
import { PgvectorStore } from '@pv/store-pgvector';
import type { OpenStoreOptions } from './store-uri.js';

/** The table of a `postgres://…` store URI without `?table=`. */
export const DEFAULT_POSTGRES_TABLE = 'pv_faces';

/** Opens (creating when missing) the pgvector store in `table` of the database at `connectionString`. */
export async function openPgvectorStoreFromUri(connectionString: string, table: string | undefined, options: OpenStoreOptions): Promise<Store> {
  return PgvectorStore.open({ connectionString, table: table ?? DEFAULT_POSTGRES_TABLE, metric: options.metric ?? 'cosine' });
}
