import { createHash } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cipherFor, type StoreEncryption } from '@pv/store-crypto';
import { RecordDatabase } from '@pv/store-sqlite';
import { listIndexFiles } from './index-files.js';
import { INDEX_CHECKSUMS_KEY, recordedChecksums } from './index-integrity.js';

/**
 * Re-encrypts the HNSW store whose database is `file` from one key to another (`undefined`: plain): the
 * records as `rekeySqliteStore` does, and each index file re-sealed (or written in plain form) with its new
 * SHA-256 recorded in the database in the same transaction; an index file that fails its recorded digest
 * is removed (the graph is rebuilt on open). A wrong or missing `from` key is `E_STORE_KEY` and leaves every
 * file untouched. Close the store everywhere first.
 *
 * @example
 * ```ts
 * await rekeyHnswStore('gallery/gallery.db', { keyEnv: 'OLD_KEY' }, { keyEnv: 'PV_STORE_KEY' });
 * ```
 */
export async function rekeyHnswStore(file: string, from: StoreEncryption | undefined, to: StoreEncryption | undefined): Promise<void> {
  const target = cipherFor(to);
  const db = RecordDatabase.open(file, from === undefined ? {} : { encryption: from });
  const written: { temp: string; path: string }[] = [];
  const dropped: string[] = [];
  try {
    const source = db.cipher;
    const checksums = db.read(() => recordedChecksums(db));
    const digests: Record<string, string> = {};
    for (const { path: indexFile } of await listIndexFiles(file)) {
      const name = path.basename(indexFile);
      let out: Uint8Array;
      try {
        const bytes = await readFile(indexFile);
        if (checksums[name] === undefined || sha256(bytes) !== checksums[name]) throw new Error('unverified');
        const plain = source ? source.open(bytes, name, indexFile) : bytes;
        out = target ? target.seal(plain, name) : plain;
      } catch {
        dropped.push(indexFile);
        continue;
      }
      const temp = `${indexFile}.tmp-${process.pid}`;
      await writeFile(temp, out, { mode: 0o600 });
      written.push({ temp, path: indexFile });
      digests[name] = sha256(out);
    }
    db.rekey(target, () => db.setMeta(INDEX_CHECKSUMS_KEY, JSON.stringify(digests)));
    for (const { temp, path: indexFile } of written.splice(0)) await rename(temp, indexFile);
    for (const indexFile of dropped) await unlink(indexFile).catch(() => undefined);
  } finally {
    for (const { temp } of written) await unlink(temp).catch(() => undefined);
    db.close();
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
