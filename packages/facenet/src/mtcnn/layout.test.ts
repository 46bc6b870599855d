import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { countParameters, findLayoutMismatch, readStateDict, type TensorSpec } from '@pv/torch-checkpoint';
import { describe, expect, it } from 'vitest';
import { ONET_LAYOUT, PNET_LAYOUT, RNET_LAYOUT } from './layout.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const facenetData = path.resolve(repoRoot, '../shared/data/facenet-pytorch');

/** Parameters of each net from its module definition: conv/dense weights and biases, PReLU slopes. */
const EXPECTED_PARAMETERS: Record<string, number> = {
  // conv1 3→10 k3, prelu 10, conv2 10→16 k3, prelu 16, conv3 16→32 k3, prelu 32, conv4_1 32→2, conv4_2 32→4
  pnet: 3 * 10 * 9 + 10 + 10 + 10 * 16 * 9 + 16 + 16 + 16 * 32 * 9 + 32 + 32 + 32 * 2 + 2 + 32 * 4 + 4,
  rnet: 3 * 28 * 9 + 28 + 28 + 28 * 48 * 9 + 48 + 48 + 48 * 64 * 4 + 64 + 64 + 576 * 128 + 128 + 128 + 128 * 2 + 2 + 128 * 4 + 4,
  onet:
    3 * 32 * 9 + 32 + 32 + 32 * 64 * 9 + 64 + 64 + 64 * 64 * 9 + 64 + 64 + 64 * 128 * 4 + 128 + 128 +
    1152 * 256 + 256 + 256 + 256 * 2 + 2 + 256 * 4 + 4 + 256 * 10 + 10,
};

describe('the real facenet-pytorch MTCNN files', () => {
  for (const [net, layout] of [
    ['pnet', PNET_LAYOUT],
    ['rnet', RNET_LAYOUT],
    ['onet', ONET_LAYOUT],
  ] as [string, readonly TensorSpec[]][]) {
    it(`${net}.pt parses and has every key and shape of facenet-pytorch's ${net.toUpperCase()}`, () => {
      const stateDict = readStateDict(new Uint8Array(readFileSync(path.join(facenetData, `${net}.pt`))));
      expect(findLayoutMismatch(stateDict, layout)).toBeUndefined();
      expect([...stateDict.keys()]).toEqual(layout.map((spec) => spec.key));
      const parameters = countParameters(stateDict);
      console.info(`${net}.pt: ${stateDict.size} tensors, ${parameters} parameters`);
      expect(parameters).toBe(EXPECTED_PARAMETERS[net]);
      for (const [key, tensor] of stateDict) {
        expect(tensor.dtype).toBe('float32');
        expect(Array.from(tensor.data as Float32Array).every(Number.isFinite), key).toBe(true);
      }
    });
  }
});
