import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countParameters, findLayoutMismatch, readStateDict } from '@pv/torch-checkpoint';
import { describe, expect, it } from 'vitest';
import { FACENET_DATA } from '../testing/shared-data.fixture.js';
import { MTCNN_NETWORKS } from './architecture.js';
import { mtcnnLayout } from './layout.js';

describe('mtcnnLayout and the real facenet-pytorch files', () => {
  for (const network of Object.values(MTCNN_NETWORKS)) {
    it(`${network.name}.pt parses and holds exactly the layout's keys, in order, with its shapes`, () => {
      const stateDict = readStateDict(new Uint8Array(readFileSync(path.join(FACENET_DATA, `${network.name}.pt`))));
      const layout = mtcnnLayout(network);
      expect(findLayoutMismatch(stateDict, layout)).toBeUndefined();
      expect([...stateDict].map(([key, tensor]) => [key, tensor.dtype, tensor.shape])).toEqual(layout.map((spec) => [spec.key, 'float32', spec.shape]));
      console.info(`${network.name}.pt: ${stateDict.size} tensors, ${countParameters(stateDict)} parameters, all as expected`);
    });
  }

  it('lists parameters only for layers that have them (P-Net: conv1-3, their PReLUs, two 1x1 heads)', () => {
    expect(mtcnnLayout(MTCNN_NETWORKS.pnet).map((spec) => `${spec.key} [${spec.shape.join(', ')}]`)).toEqual([
      'conv1.weight [10, 3, 3, 3]',
      'conv1.bias [10]',
      'prelu1.weight [10]',
      'conv2.weight [16, 10, 3, 3]',
      'conv2.bias [16]',
      'prelu2.weight [16]',
      'conv3.weight [32, 16, 3, 3]',
      'conv3.bias [32]',
      'prelu3.weight [32]',
      'conv4_1.weight [2, 32, 1, 1]',
      'conv4_1.bias [2]',
      'conv4_2.weight [4, 32, 1, 1]',
      'conv4_2.bias [4]',
    ]);
  });
});
