import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointFormatError, ForbiddenPickleGlobalError } from './errors.js';
import { PickleDict } from './pickle/values.js';
import { detectCheckpointFormat, readCheckpoint } from './read-checkpoint.js';
import { readStateDict } from './state-dict.js';
import type { Tensor } from './torch/tensor.js';

/** The reference checkpoints written by scripts/make-test-data.py. */
const TEST_DATA_URL = new URL('../test-data/', import.meta.url);

interface ExpectedTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly data: (number | string)[];
}

const read = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, TEST_DATA_URL)));
const expected = JSON.parse(readFileSync(new URL('torch-expected.json', TEST_DATA_URL), 'utf8')) as Record<string, ExpectedTensor>;

function plain(tensor: Tensor): (number | string)[] {
  return Array.from(tensor.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
}

describe('readCheckpoint on files written by PyTorch 1.13', () => {
  for (const [file, format] of [
    ['torch-zip.pt', 'zip'],
    ['torch-legacy.pt', 'legacy'],
  ] as const) {
    it(`reads every tensor of ${file} (${format}) exactly as PyTorch does`, () => {
      const bytes = read(file);
      expect(detectCheckpointFormat(bytes)).toBe(format);
      const stateDict = readStateDict(bytes);
      expect([...stateDict.keys()]).toEqual(Object.keys(expected));
      for (const [key, tensor] of stateDict) {
        const want = expected[key] as ExpectedTensor;
        expect({ key, dtype: tensor.dtype, shape: tensor.shape }).toEqual({ key, dtype: want.dtype, shape: want.shape });
        expect(plain(tensor)).toEqual(want.data);
      }
    });

    it(`keeps the state dict's _metadata attribute of ${file}`, () => {
      const { root } = readCheckpoint(read(file));
      expect(root).toBeInstanceOf(PickleDict);
      const metadata = (root as PickleDict).attributes.get('_metadata');
      expect(metadata).toBeInstanceOf(PickleDict);
      expect(((metadata as PickleDict).get('') as PickleDict).get('version')).toBe(1);
    });
  }

  it('refuses a pickled nn.Module: its globals are not on the allow-list', () => {
    const attempt = () => readCheckpoint(read('forbidden-module.pt'));
    expect(attempt).toThrow(ForbiddenPickleGlobalError);
    expect(attempt).toThrow(/torch\.nn\.modules\.linear\.Linear/u);
  });
});

describe('truncated and foreign files', () => {
  function reasonFor(bytes: Uint8Array): string {
    try {
      readCheckpoint(bytes);
    } catch (error) {
      if (error instanceof CheckpointFormatError) return error.reason;
      throw error;
    }
    return 'read';
  }

  it('reports every truncation of a legacy file as truncated (never a crash or a partial result)', () => {
    const bytes = read('torch-legacy.pt');
    for (let length = 14; length < bytes.length; length++) {
      expect({ length, reason: reasonFor(bytes.subarray(0, length)) }).toEqual({ length, reason: 'truncated' });
    }
  });

  it('reports every truncation of a zip file as truncated', () => {
    const bytes = read('torch-zip.pt');
    for (let length = 4; length < bytes.length; length += 7) {
      expect({ length, reason: reasonFor(bytes.subarray(0, length)) }).toEqual({ length, reason: 'truncated' });
    }
  });

  it('says not-a-checkpoint for other bytes, with code E_MODEL_FORMAT', () => {
    const attempt = () => readCheckpoint(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', reason: 'not-a-checkpoint' }));
    expect(reasonFor(new Uint8Array(0))).toBe('not-a-checkpoint');
  });
});
