import { InvalidArgumentError, type StoreDriver } from '@pv/core';
import { PgvectorStore } from './pgvector-store.js';

/** The table of a `postgres://…` store URI without `?table=`. */
export const DEFAULT_POSTGRES_TABLE = 'pv_faces';

/**
 * Opens `postgres://USER:PASS@HOST/DB[?table=NAME]` (or `postgresql://…`) stores for a store registry;
 * the `table` query parameter names the table (default `pv_faces`), the rest is the connection string.
 */
export const pgvectorStoreDriver: StoreDriver = {
  schemes: ['postgres', 'postgresql'],
  usage: 'postgres://USER:PASS@HOST/DB[?table=NAME]',
  open: (uri, options) => {
    if (options.encryption !== undefined) {
      // Silently storing in clear what was asked to be encrypted would be worse than refusing.
      throw new InvalidArgumentError('pv does not encrypt PostgreSQL stores (pgvector must read the vectors): use the database server\'s storage encryption, and unset PV_STORE_KEY / PV_STORE_KEY_FILE for this store', { uri: redact(uri) });
    }
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InvalidArgumentError(`"${uri}" is not a PostgreSQL URL: write postgres://USER:PASS@HOST/DB[?table=NAME]`, { uri: redact(uri) });
    }
    const table = url.searchParams.get('table') ?? DEFAULT_POSTGRES_TABLE;
    url.searchParams.delete('table');
    const metric = options.metric ?? 'cosine';
    if (metric !== 'cosine' && metric !== 'l2') {
      throw new InvalidArgumentError(`A pgvector store is built for cosine or l2, not "${metric}"`, { metric });
    }
    return PgvectorStore.open({
      connectionString: url.toString(),
      table,
      metric,
      ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
      ...(options.modelId !== undefined ? { modelId: options.modelId } : {}),
      ...(options.dimension !== undefined ? { dimension: options.dimension } : {}),
    });
  },
};

function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]*):[^@]*@/u, '//$1:***@');
}
