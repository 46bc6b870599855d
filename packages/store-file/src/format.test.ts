import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkDigest, decodeTail, encodeStore, HEADER_SIZE, parseHeader, STORE_FORMAT_VERSION, type StoreContents } from './format.js';

const contents: StoreContents = {
  modelId: 'mobilefacenet',
  dimension: 3,
  rows: [
    { id: 'a', label: 'alice', createdAt: 1_700_000_000_123 },
    { id: 'é€', label: 'Zoë \u{1F600}', createdAt: 5, source: {} },
    { id: 'c', label: 'cy', createdAt: -1.5, source: { file: 'photos/c.jpg', box: { x: 1.5, y: 2, width: 30, height: 40.25 } } },
    { id: 'd', label: 'dan', createdAt: 0, source: { box: { x: 0, y: 0, width: 1, height: 1 } } },
  ],
  vectors: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99, 99, 99),
};

function encoded(): Buffer {
  return Buffer.concat(encodeStore(contents));
}

describe('store file format', () => {
  it('lays the header out as documented', () => {
    const file = encoded();
    expect(file.subarray(0, 8).toString('latin1')).toBe('\u0089PVSTORE');
    expect(file.readUInt16LE(8)).toBe(STORE_FORMAT_VERSION);
    expect(file.readUInt16LE(10)).toBe(0);
    expect(file.readUInt32LE(12)).toBe(3);
    expect(file.readUInt32LE(16)).toBe(4);
    expect(file.readUInt32LE(20)).toBe('mobilefacenet'.length);
    expect(Number(file.readBigUInt64LE(24))).toBe(file.byteLength - HEADER_SIZE);
    const digest = createHash('sha256').update(file.subarray(0, 32)).update(file.subarray(HEADER_SIZE)).digest();
    expect(file.subarray(32, 64).equals(digest)).toBe(true);
  });

  it('stores only the vectors in use, as float32 little-endian, right after the header', () => {
    const file = encoded();
    const vectors = Array.from({ length: 12 }, (_, i) => file.readFloatLE(HEADER_SIZE + 4 * i));
    expect(vectors).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(file.subarray(HEADER_SIZE + 48, HEADER_SIZE + 48 + 13).toString('utf8')).toBe('mobilefacenet');
  });

  it('lays a record out as documented', () => {
    const one = Buffer.concat(encodeStore({ modelId: 'm', dimension: 0, rows: [{ id: 'ab', label: 'x', createdAt: 2, source: { file: 'f' } }], vectors: new Float32Array(0) }));
    const record = one.subarray(HEADER_SIZE + 1);
    const expected = Buffer.concat([
      Buffer.from([2, 0, 0, 0]), Buffer.from('ab'),
      Buffer.from([1, 0, 0, 0]), Buffer.from('x'),
      (() => { const b = Buffer.alloc(8); b.writeDoubleLE(2); return b; })(),
      Buffer.from([0b011]),
      Buffer.from([1, 0, 0, 0]), Buffer.from('f'),
    ]);
    expect(record.equals(expected)).toBe(true);
  });

  it('round-trips every field', () => {
    const file = encoded();
    const header = parseHeader(file.subarray(0, HEADER_SIZE), 'x.pvstore');
    const vectorBytes = file.subarray(HEADER_SIZE, HEADER_SIZE + 48);
    const tail = file.subarray(HEADER_SIZE + 48);
    checkDigest(header, file.subarray(0, HEADER_SIZE), vectorBytes, tail, 'x.pvstore');
    expect(header).toMatchObject({ dimension: 3, count: 4, modelIdLength: 13, bodyLength: file.byteLength - HEADER_SIZE });
    expect(decodeTail(tail, header, 'x.pvstore')).toEqual({ modelId: contents.modelId, rows: contents.rows });
  });

  it('reports what is wrong with a header, naming the file', () => {
    const cases: [string, (b: Buffer) => void, RegExp][] = [
      ['short', () => undefined, /shorter than the 64-byte header/],
      ['magic', (b) => b.write('GIF89a', 0, 'latin1'), /wrong magic/],
      ['future version', (b) => b.writeUInt16LE(STORE_FORMAT_VERSION + 1, 8), /format version 2, newer than version 1/],
      ['version 0', (b) => b.writeUInt16LE(0, 8), /version 0/],
      ['reserved', (b) => b.writeUInt16LE(1, 10), /reserved/],
      ['empty model id', (b) => b.writeUInt32LE(0, 20), /empty model id/],
    ];
    for (const [name, damage, reason] of cases) {
      const header = Buffer.from(encoded().subarray(0, name === 'short' ? 40 : HEADER_SIZE));
      damage(header);
      let error: unknown;
      try {
        parseHeader(header, '/data/faces.pvstore');
      } catch (e) {
        error = e;
      }
      expect(error, name).toMatchObject({ code: 'E_STORE_CORRUPT', details: { file: '/data/faces.pvstore', reason: expect.stringMatching(reason) } });
      expect((error as Error).message).toContain('/data/faces.pvstore');
    }
  });

  it('refuses a record list that ends early or runs on, or carries unknown flags', () => {
    const file = encoded();
    const header = parseHeader(file.subarray(0, HEADER_SIZE), 'f');
    const tail = file.subarray(HEADER_SIZE + 48);
    expect(() => decodeTail(tail.subarray(0, tail.byteLength - 1), header, 'f')).toThrow(/ends early/);
    expect(() => decodeTail(Buffer.concat([tail, Buffer.from([0])]), header, 'f')).toThrow(/1 unexpected bytes/);
    const flagged = Buffer.from(tail);
    const firstFlags = 13 + 4 + 1 + 4 + 5 + 8;
    expect(flagged[firstFlags]).toBe(0);
    flagged[firstFlags] = 8;
    expect(() => decodeTail(flagged, header, 'f')).toThrow(/unknown source flags 8/);
    flagged[firstFlags] = 2;
    expect(() => decodeTail(flagged, header, 'f')).toThrow(/unknown source flags 2/);
  });
});
