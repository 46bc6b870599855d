import fc from 'fast-check';
import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from './read-checkpoint.js';
import { readStateDict } from './state-dict.js';
import { writeCheckpoint, type CheckpointEntry, type StorageLayout } from './testing/index.fixture.js';

const entryArbitrary = fc
  .array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 })
  .chain((shape) => {
    const count = shape.reduce((a, b) => a * b, 1);
    return fc.record({
      shape: fc.constant(shape),
      floats: fc.float32Array({ minLength: count, maxLength: count, noDefaultInfinity: true, noNaN: true }),
    });
  });

describe('the test checkpoint writer and the reader agree', () => {
  for (const format of ['legacy', 'zip'] as const) {
    for (const layout of ['contiguous', 'column-major', 'shared'] as StorageLayout[]) {
      it(`round-trips random float32 tensors and an int64 scalar (${format}, ${layout})`, () => {
        fc.assert(
          fc.property(fc.array(entryArbitrary, { minLength: 1, maxLength: 5 }), (specs) => {
            const entries: CheckpointEntry[] = specs.map((spec, i) => ({ key: `layer${i}.weight`, shape: spec.shape, data: spec.floats }));
            entries.push({ key: 'bn.num_batches_tracked', shape: [], data: new BigInt64Array([-5n]) });
            const stateDict = readStateDict(writeCheckpoint(entries, { format, layout }));
            expect([...stateDict.keys()]).toEqual(entries.map((e) => e.key));
            for (const entry of entries) {
              const tensor = stateDict.get(entry.key);
              expect(tensor?.shape).toEqual(entry.shape);
              expect(tensor?.data).toEqual(entry.data);
            }
          }),
          { numRuns: 40, seed: 1234 },
        );
      });
    }
  }

  it('finds the pickle under any archive folder name', () => {
    const bytes = writeCheckpoint([{ key: 'w', shape: [2], data: new Float32Array([1, 2]) }], { format: 'zip', archiveName: 'my_model' });
    expect(readCheckpoint(bytes).format).toBe('zip');
    expect(readStateDict(bytes).get('w')?.data).toEqual(new Float32Array([1, 2]));
  });

  it('refuses a zip archive written big-endian', () => {
    const entries = unzipSync(writeCheckpoint([{ key: 'w', shape: [1], data: new Float32Array([1]) }], { format: 'zip' }));
    entries['archive/byteorder'] = new TextEncoder().encode('big');
    expect(() => readCheckpoint(zipSync(entries, { level: 0 }))).toThrow(expect.objectContaining({ reason: 'big-endian' }));
  });

  it('refuses a zip archive that lacks a storage entry or has no data.pkl', () => {
    const entries = unzipSync(writeCheckpoint([{ key: 'w', shape: [1], data: new Float32Array([1]) }], { format: 'zip' }));
    const withoutStorage = { ...entries };
    delete withoutStorage['archive/data/0'];
    expect(() => readCheckpoint(zipSync(withoutStorage, { level: 0 }))).toThrow(/data\/0/u);
    expect(() => readCheckpoint(zipSync({ 'readme.txt': new Uint8Array(3) }))).toThrow(expect.objectContaining({ reason: 'not-a-checkpoint' }));
  });
});
