import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { float32Tensor } from './layout.js';
import { detectCheckpointFormat } from './read-checkpoint.js';
import { readStateDict } from './state-dict.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const facenetData = path.resolve(repoRoot, '../shared/data/facenet-pytorch');

interface ReferenceTensor {
  readonly shape: number[];
  readonly sum: number;
  readonly first: number;
  readonly last: number;
}

/** Shapes, sums and end values of each tensor as PyTorch 1.13 reads the files (scripts/make-test-data.py). */
const reference = JSON.parse(readFileSync(new URL('../test-data/mtcnn-expected.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, ReferenceTensor>
>;

describe('the real facenet-pytorch MTCNN checkpoints (legacy serialisation, column-major strides)', () => {
  for (const net of ['pnet', 'rnet', 'onet']) {
    it(`reads ${net}.pt with the same tensors and values as PyTorch`, () => {
      const bytes = new Uint8Array(readFileSync(path.join(facenetData, `${net}.pt`)));
      expect(detectCheckpointFormat(bytes)).toBe('legacy');
      const stateDict = readStateDict(bytes);
      const want = reference[net] as Record<string, ReferenceTensor>;
      expect([...stateDict.keys()]).toEqual(Object.keys(want));
      for (const [key, tensor] of stateDict) {
        const expected = want[key] as ReferenceTensor;
        const data = float32Tensor(stateDict, key);
        let sum = 0;
        for (const value of data) sum += value;
        expect({ key, shape: tensor.shape, first: data[0], last: data[data.length - 1] }).toEqual({
          key,
          shape: expected.shape,
          first: expected.first,
          last: expected.last,
        });
        expect(Math.abs(sum - expected.sum)).toBeLessThan(1e-9 * Math.max(1, data.length));
      }
    });
  }
});
