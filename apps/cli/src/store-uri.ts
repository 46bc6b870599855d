import { InvalidArgumentError, type Store } from '@pv/core';

/** The default store when `--store` is not given: a file in the working directory. */
export const DEFAULT_STORE_URI = 'file:pv-store.pv';

/** A parsed `--store` URI. */
export type StoreLocation =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'hnsw'; readonly path: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly table: string | undefined };

const SCHEMES = ['file:PATH', 'sqlite:PATH', 'hnsw:DIR', 'postgres://USER:PASS@HOST/DB[?table=NAME] (default table pv_faces)'];

/**
 * Parses a store URI: `file:PATH` (the embedded default), `sqlite:PATH`, `hnsw:DIR`,
 * `postgres://…` / `postgresql://…` (an optional `table` query parameter names the table). A bare path
 * ending in `.pv` is a file store, `.db`/`.sqlite` an SQLite store.
 */
export function parseStoreUri(uri: string): StoreLocation {
  const match = /^([a-z]+):(.*)$/s.exec(uri);
  const scheme = match?.[1];
  const rest = match?.[2] ?? '';
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const url = new URL(uri);
    const table = url.searchParams.get('table') ?? undefined;
    url.searchParams.delete('table');
    return { kind: 'postgres', url: url.toString(), table };
  }
  if ((scheme === 'file' || scheme === 'sqlite' || scheme === 'hnsw') && rest.length > 0) {
    return { kind: scheme, path: rest.replace(/^\/\/(?=\/)/, '') };
  }
  if (!match || scheme?.length === 1 /* Windows drive letter */) {
    if (/\.(db|sqlite3?)$/i.test(uri)) return { kind: 'sqlite', path: uri };
    if (/\.pv$/i.test(uri)) return { kind: 'file', path: uri };
  }
  throw new InvalidArgumentError(`Unknown store URI "${uri}". Use one of: ${SCHEMES.join(', ')}`, { uri });
}

/** Options for opening a store from a URI. */
export interface OpenStoreOptions {
  /** Open for reading only where the store supports it. */
  readonly readOnly?: boolean;
  /** The metric an index-backed store (HNSW, pgvector) is built for, when it is created. */
  readonly metric?: 'cosine' | 'l2';
}

/** Opens the store a URI names. Store packages are loaded on demand, so unused ones cost nothing. */
export async function openStore(uri: string, options: OpenStoreOptions = {}): Promise<Store> {
  const location = parseStoreUri(uri);
  switch (location.kind) {
    case 'file': {
      const { FileStore } = await import('@pv/store-file');
      return FileStore.open(location.path, { readOnly: options.readOnly ?? false });
    }
    case 'sqlite': {
      const { SqliteStore } = await import('@pv/store-sqlite');
      return SqliteStore.open(location.path);
    }
    case 'hnsw': {
      const { openHnswStoreFromUri } = await import('./store-uri-hnsw.js');
      return openHnswStoreFromUri(location.path, options);
    }
    case 'postgres': {
      const { openPgvectorStoreFromUri } = await import('./store-uri-postgres.js');
      return openPgvectorStoreFromUri(location.url, location.table, options);
    }
  }
}
