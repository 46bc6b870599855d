import { PvError, StoreCorruptError, StoreLockedError } from '@pv/core';

/** The SQLite result code (`SQLITE_BUSY`, `SQLITE_CORRUPT_VTAB`, …) carried by a better-sqlite3 error. */
function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Translates a better-sqlite3 error into pv's typed errors: a busy or locked database becomes
 * `E_STORE_LOCKED`, a file that is not a database or is malformed becomes `E_STORE_CORRUPT` naming `file`.
 * Anything else (pv errors included) is returned unchanged. The message says the file was left untouched
 * only when the caller says so (`untouched`: the failing call could not have written anything, e.g. a
 * read); otherwise it says that nothing of the failed call was committed.
 */
export function toStoreError(error: unknown, file: string, options: { readonly untouched?: boolean } = {}): unknown {
  if (error instanceof PvError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreLockedError(
      `The SQLite store ${file} is locked by another connection (${code}: ${message}); retry later or raise busyTimeoutMs`,
      { file, sqliteCode: code },
    );
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreCorruptError(
      `${file} is not a readable pv SQLite store (${code}: ${message}); ${options.untouched ? 'the file was left untouched' : 'nothing of this call was committed'}`,
      { file, sqliteCode: code },
      { cause: error },
    );
  }
  return error;
}
