import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { RecordDatabase } from '@pv/store-sqlite';

/**
 * The `pv_meta` key holding the SHA-256 of every index file this store wrote, as JSON
 * `{ "<file name>": "<hex digest>" }`. The database is the source of truth: an index file whose digest is
 * not recorded there, or differs, is never handed to hnswlib.
 */
export const INDEX_CHECKSUMS_KEY = 'hnsw.index_sha256';

/** The SHA-256 of `file`, hex, read in 1 MiB chunks. */
export function fileSha256(file: string): string {
  const hash = createHash('sha256');
  const fd = openSync(file, 'r');
  try {
    const chunk = new Uint8Array(2 ** 20);
    for (let position = 0; ; ) {
      const read = readSync(fd, chunk, 0, chunk.length, position);
      if (read === 0) break;
      hash.update(chunk.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** The recorded digests (call inside a transaction); an unreadable value counts as none recorded. */
export function recordedChecksums(db: RecordDatabase): Record<string, string> {
  const text = db.meta(INDEX_CHECKSUMS_KEY);
  if (text === undefined) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

/**
 * Records `digest` as the SHA-256 of the index file `file` and forgets those of files no longer in `keep`
 * (call inside a write transaction).
 */
export function recordChecksum(db: RecordDatabase, file: string, digest: string, keep: (name: string) => boolean): void {
  const checksums = recordedChecksums(db);
  for (const name of Object.keys(checksums)) if (!keep(name)) delete checksums[name];
  checksums[path.basename(file)] = digest;
  db.setMeta(INDEX_CHECKSUMS_KEY, JSON.stringify(checksums));
}

/** What an index file must hold to be read. */
export interface ExpectedGraph {
  readonly dimension: number;
  readonly m: number;
  readonly efConstruction: number;
  /** Element labels (record sequence numbers) must lie in 1..maxSeq. */
  readonly maxSeq: number;
}

/**
 * Verifies an index file before hnswlib's native reader sees it: its SHA-256 must equal `digest` (recorded
 * in the database when the file was written), and every header field and every element must be in range
 * (see {@link checkGraphStructure}). The digest covers the file as stored; an encrypted store's file is
 * then opened with `unseal`. Returns the graph's bytes. Throws an `Error` saying what is wrong.
 */
export function verifyIndexFile(file: string, digest: string | undefined, expected: ExpectedGraph, unseal?: (sealed: Uint8Array, name: string) => Uint8Array): Uint8Array {
  const name = path.basename(file);
  if (digest === undefined) throw new Error(`${name}: no checksum is recorded for it in the database`);
  const bytes = readWhole(file);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== digest) throw new Error(`${name}: its SHA-256 ${actual.slice(0, 12)}… differs from the recorded ${digest.slice(0, 12)}…`);
  const graph = unseal ? unseal(bytes, name) : bytes;
  checkGraphStructure(graph, name, expected);
  return graph;
}

function readWhole(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const read = readSync(fd, bytes, done, size - done, done);
      if (read === 0) return bytes.subarray(0, done);
      done += read;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

const HEADER_BYTES = 96;
const NO_NODE = 0xffffffff;
/** Levels above this are never drawn by hnswlib for any sane M (probability (1/M)^64). */
const MAX_LEVEL = 64;

/**
 * Range-checks the bytes of an hnswlib graph file (the 64-bit layout hnswlib-node 3 writes): every header field
 * (`offsetLevel0` 0, element count within capacity, sizes that match `dimension` and `m`, `mult` = 1/ln M,
 * `efConstruction`, the top level and the entry point), and every element: its level-0 and upper-level
 * link counts within M0 / M, every link naming an existing element, its deleted flag a flag, its vector
 * finite, its label (record sequence number) in 1..maxSeq and unique, its level at most the top level, and
 * the file ending exactly after the last link list. Throws an `Error` saying what is wrong.
 */
export function checkGraphStructure(bytes: Uint8Array, name: string, expected: ExpectedGraph): void {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (bytes.length < HEADER_BYTES) fail(`${bytes.length} bytes is shorter than an hnswlib header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (offset: number): number => {
    const value = view.getBigUint64(offset, true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(value);
  };
  const { dimension, m, efConstruction, maxSeq } = expected;
  const maxM0 = 2 * m;
  const level0Links = maxM0 * 4 + 4;
  const bytesPerElement = level0Links + dimension * 4 + 8;
  if (u64(0) !== 0) fail(`offsetLevel0 is ${u64(0)}, not 0`);
  const capacity = u64(8);
  const count = u64(16);
  if (!(count <= capacity)) fail(`${count} elements is more than the capacity ${capacity}`);
  if (u64(24) !== bytesPerElement) fail(`${u64(24)} bytes per element, not ${bytesPerElement}`);
  if (u64(32) !== level0Links + dimension * 4) fail(`label offset ${u64(32)}, not ${level0Links + dimension * 4}`);
  if (u64(40) !== level0Links) fail(`data offset ${u64(40)}, not ${level0Links}`);
  const maxLevel = view.getInt32(48, true);
  const entryPoint = view.getUint32(52, true);
  if (u64(56) !== m || u64(64) !== maxM0 || u64(72) !== m) fail(`M fields ${u64(56)}/${u64(64)}/${u64(72)}, not ${m}/${maxM0}/${m}`);
  const mult = view.getFloat64(80, true);
  if (!(Math.abs(mult - 1 / Math.log(m)) <= 1e-9)) fail(`level multiplier ${mult}, not 1/ln(${m})`);
  if (u64(88) !== efConstruction) fail(`efConstruction ${u64(88)}, not ${efConstruction}`);
  if (count === 0) {
    if (entryPoint !== NO_NODE) fail('an empty graph with an entry point');
  } else {
    if (!(maxLevel >= 0 && maxLevel <= MAX_LEVEL)) fail(`top level ${maxLevel} out of range`);
    if (!(entryPoint < count)) fail(`entry point ${entryPoint} is not one of the ${count} elements`);
  }
  const linksStart = HEADER_BYTES + count * bytesPerElement;
  if (!(linksStart + count * 4 <= bytes.length)) fail('truncated before its link lists');

  const checkList = (offset: number, limit: number, where: string): void => {
    const listCount = view.getUint16(offset, true);
    const flags = bytes[offset + 2] as number;
    if (listCount > limit) fail(`${where} has ${listCount} links, more than ${limit}`);
    if (flags > 1 || bytes[offset + 3] !== 0) fail(`${where} has invalid flags`);
    for (let j = 0; j < listCount; j++) {
      if (!(view.getUint32(offset + 4 + j * 4, true) < count)) fail(`${where} links to a missing element`);
    }
  };
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const base = HEADER_BYTES + i * bytesPerElement;
    checkList(base, maxM0, `element ${i} (level 0)`);
    for (let d = 0; d < dimension; d++) {
      if (!Number.isFinite(view.getFloat32(base + level0Links + d * 4, true))) fail(`element ${i} has a non-finite vector value`);
    }
    const label = u64(base + level0Links + dimension * 4);
    if (!(label >= 1 && label <= maxSeq)) fail(`element ${i} has label ${label}, outside 1..${maxSeq}`);
    if (seen.has(label)) fail(`label ${label} appears twice`);
    seen.add(label);
  }
  const bytesPerLevel = m * 4 + 4;
  let offset = linksStart;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) fail('truncated in its link lists');
    const listBytes = view.getUint32(offset, true);
    offset += 4;
    if (listBytes % bytesPerLevel !== 0) fail(`element ${i} has a malformed link list`);
    const levels = listBytes / bytesPerLevel;
    if (levels > Math.max(0, maxLevel)) fail(`element ${i} has ${levels} upper levels, above the top level ${maxLevel}`);
    if (i === entryPoint && levels !== maxLevel) fail(`the entry point is on level ${levels}, not the top level ${maxLevel}`);
    if (offset + listBytes > bytes.length) fail('truncated in its link lists');
    for (let level = 0; level < levels; level++) checkList(offset + level * bytesPerLevel, m, `element ${i} (level ${level + 1})`);
    offset += listBytes;
  }
  if (offset !== bytes.length) fail(`${bytes.length - offset} bytes too many after the link lists`);
}
