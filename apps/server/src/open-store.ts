import { InvalidArgumentError, MemoryStore, type Store } from '@pv/core';

/** The model a store must hold: a new store is bound to it, one bound to another is refused. */
export interface StoreBinding {
  readonly modelId: string;
  readonly dimension: number;
}

/**
 * Opens the store a configuration names: `file:PATH` (`@pv/store-file`, the embedded default), `sqlite:PATH`
 * (`@pv/store-sqlite`) or `memory:` (nothing kept after the process ends); a bare path ending in `.pv` is a
 * file store, in `.db`, `.sqlite` or `.sqlite3` an SQLite store. Stores are bound to the server's
 * model: a store holding another model's embeddings is `E_MODEL_MISMATCH`, another dimension `E_DIM_MISMATCH`.
 * Store packages are loaded on demand.
 */
export async function openConfiguredStore(uri: string, binding: StoreBinding): Promise<Store> {
  const match = /^(file|sqlite|memory):(.*)$/s.exec(uri);
  // Like the CLI: a bare path ending in .pv is a file store, in .db / .sqlite / .sqlite3 an SQLite store.
  const bare = match ? undefined : /\.pv$/i.test(uri) ? 'file' : /\.(db|sqlite3?)$/i.test(uri) ? 'sqlite' : undefined;
  const scheme = match?.[1] ?? bare;
  const path = match?.[2] ?? (bare ? uri : '');
  if (scheme === 'memory') return new MemoryStore(binding);
  if (scheme === 'file' && path.length > 0) {
    const { FileStore } = await import('@pv/store-file');
    return FileStore.open(path, binding);
  }
  if (scheme === 'sqlite' && path.length > 0) {
    const { SqliteStore } = await import('@pv/store-sqlite');
    return SqliteStore.open(path, binding);
  }
  throw new InvalidArgumentError(`Unknown store "${uri}": use file:PATH, sqlite:PATH or memory: (or a path ending in .pv or .db)`, { name: 'store' });
}
