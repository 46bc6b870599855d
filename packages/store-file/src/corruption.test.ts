import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expectPvError } from '@pv/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_SIZE } from './format.js';
import { FileStore } from './index.js';
import { batchRecord, leftoverTempFiles, temporaryDirectory } from './test-support.fixture.js';

const DIM = 16;
/** The test file holds 3 records: its vector block ends here and the model id starts. */
const VECTORS_END = HEADER_SIZE + 3 * DIM * 4;

/** Recomputes the digest, so a damaged field is the only thing wrong with the file. */
function withValidDigest(bytes: Buffer): Buffer {
  const fixed = Buffer.from(bytes);
  createHash('sha256').update(fixed.subarray(0, 32)).update(fixed.subarray(HEADER_SIZE)).digest().copy(fixed, 32);
  return fixed;
}

describe('FileStore refuses files it cannot trust and never touches them', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let good: Buffer;

  beforeAll(async () => {
    ({ dir, remove } = await temporaryDirectory());
    const file = path.join(dir, 'good.pvstore');
    const store = await FileStore.open(file);
    await store.add([
      batchRecord(0, 0, DIM),
      { ...batchRecord(0, 1, DIM), source: { file: 'a.jpg', box: { x: 1, y: 2, width: 3, height: 4 } } },
      batchRecord(1, 0, DIM),
    ]);
    await store.close();
    good = await readFile(file);
  });
  afterAll(() => remove());

  /** Flips one bit of the byte at `offset` (negative: from the end). */
  const flip = (offset: number) => (b: Buffer): Buffer => {
    const copy = Buffer.from(b);
    const at = offset < 0 ? copy.byteLength + offset : offset;
    copy[at] = (copy[at] as number) ^ 0x10;
    return copy;
  };
  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['an empty file', () => Buffer.alloc(0), /truncated: 0 bytes/],
    ['a file truncated inside the magic', (b) => b.subarray(0, 5), /truncated/],
    ['a file truncated inside the header', (b) => b.subarray(0, HEADER_SIZE - 1), /truncated/],
    ['a file truncated right after the header', (b) => b.subarray(0, HEADER_SIZE), /announces/],
    ['a file truncated inside the vectors', (b) => b.subarray(0, HEADER_SIZE + 100), /announces/],
    ['a file truncated at the end of the vectors', (b) => b.subarray(0, VECTORS_END), /announces/],
    ['a file truncated inside the records', (b) => b.subarray(0, VECTORS_END + 30), /announces/],
    ['a file missing its last byte', (b) => b.subarray(0, b.byteLength - 1), /announces/],
    ['a file with bytes appended', (b) => Buffer.concat([b, Buffer.from([0])]), /announces/],
    ['a flipped byte in the magic', flip(3), /wrong magic/],
    ['a flipped byte in the dimension', flip(12), /checksum|announces|do not fit/],
    ['a flipped byte in the record count', flip(16), /checksum|do not fit/],
    ['a flipped byte in the model id length', flip(20), /checksum/],
    ['a flipped byte in the body length', flip(24), /announces/],
    ['a flipped byte in the stored checksum', flip(40), /checksum/],
    ['a flipped byte in a vector', flip(HEADER_SIZE + 77), /checksum/],
    ['a flipped byte in the model id', flip(VECTORS_END + 2), /checksum/],
    ['a flipped byte in a label', flip(VECTORS_END + 30), /checksum/],
    ['a flipped byte in the last record', flip(-1), /checksum/],
    ['another file type', () => Buffer.from('GIF89a and then some more bytes to pass the header size ....'), /wrong magic/],
    ['a newer format version', (b) => withValidDigest(Buffer.concat([b.subarray(0, 8), Buffer.from([2, 0]), b.subarray(10)])), /newer than version 1/],
    ['a record list cut short under a valid checksum', (b) => {
      const copy = Buffer.from(b);
      copy.writeBigUInt64LE(copy.readBigUInt64LE(24) - 1n, 24);
      return withValidDigest(copy.subarray(0, copy.byteLength - 1));
    }, /ends early/],
  ];

  for (const [name, damage, reason] of cases) {
    it(`refuses ${name}`, async () => {
      const damaged = damage(good);
      expect(damaged.equals(good)).toBe(false);
      const file = path.join(dir, `${name.replaceAll(' ', '-')}.pvstore`);
      await writeFile(file, damaged);
      for (const readOnly of [true, false]) {
        const error = await expectPvError(FileStore.open(file, { readOnly }), 'E_STORE_CORRUPT');
        expect(error.message).toContain(file);
        expect((error as unknown as { details: { file: string; reason: string } }).details).toMatchObject({ file, reason: expect.stringMatching(reason) });
      }
      expect((await readFile(file)).equals(damaged)).toBe(true);
      expect(await leftoverTempFiles(file)).toEqual([]);
      // The refused writer released its lock: a healthy file at the same place opens for writing.
      await writeFile(file, good);
      const store = await FileStore.open(file);
      expect(await store.count()).toBe(3);
      await store.close();
    });
  }
});
