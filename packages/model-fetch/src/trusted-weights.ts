import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreCorruptError } from '@pv/core';
import { writeFileAtomically } from './atomic-write.js';

/** Name of the file, in the cache directory, that records the hashes of weights trusted on first download. */
export const TRUSTED_WEIGHTS_FILE = 'trusted-weights.json';

/** What was recorded about one file the first time it was downloaded (or pinned with `sha256`). */
export interface TrustedWeights {
  /** SHA-256 of the file, lowercase hex. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The URL it was downloaded from when recorded (a mirror's URL when a mirror was used). */
  readonly url: string;
  /** When it was recorded (ISO 8601). */
  readonly recorded: string;
}

/** Records by the file's path under the base URL (the same key whichever mirror served it). */
export type TrustRecords = Readonly<Record<string, TrustedWeights>>;

const SHA256 = /^[0-9a-f]{64}$/u;

/**
 * Reads `<cacheDir>/trusted-weights.json` (`{ "version": 1, "files": { "<path>": TrustedWeights } }`). A
 * missing file means no records; a malformed one is `E_STORE_CORRUPT` and is left untouched (deleting it
 * would silently trust the next download).
 */
export async function readTrustRecords(cacheDir: string): Promise<TrustRecords> {
  const file = join(cacheDir, TRUSTED_WEIGHTS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const corrupt = (why: string, cause?: unknown): StoreCorruptError =>
    new StoreCorruptError(`${file} is not a valid trust record (${why}); fix or delete it by hand`, { file }, cause === undefined ? undefined : { cause });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt('not JSON', error);
  }
  const root = parsed as { version?: unknown; files?: unknown };
  if (typeof parsed !== 'object' || parsed === null || root.version !== 1 || typeof root.files !== 'object' || root.files === null) {
    throw corrupt('expected { "version": 1, "files": { … } }');
  }
  const records: Record<string, TrustedWeights> = {};
  for (const [key, value] of Object.entries(root.files as Record<string, unknown>)) {
    const r = value as Partial<TrustedWeights> | null;
    if (
      typeof r !== 'object' ||
      r === null ||
      typeof r.sha256 !== 'string' ||
      !SHA256.test(r.sha256) ||
      !Number.isSafeInteger(r.size) ||
      (r.size as number) <= 0 ||
      typeof r.url !== 'string' ||
      typeof r.recorded !== 'string'
    ) {
      throw corrupt(`bad record for ${key}`);
    }
    records[key] = { sha256: r.sha256, size: r.size as number, url: r.url, recorded: r.recorded };
  }
  return records;
}

/**
 * Adds or replaces records in `<cacheDir>/trusted-weights.json` (read again just before writing, written
 * through a temporary file and a rename). Two processes recording at the same moment may lose one update.
 */
export async function recordTrust(cacheDir: string, added: TrustRecords): Promise<void> {
  const files = { ...(await readTrustRecords(cacheDir)), ...added };
  await writeFileAtomically(join(cacheDir, TRUSTED_WEIGHTS_FILE), `${JSON.stringify({ version: 1, files }, null, 2)}\n`);
}
