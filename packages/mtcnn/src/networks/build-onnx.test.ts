import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel } from '@pv/onnx-writer';
import { readStateDict, type StateDict } from '@pv/torch-checkpoint';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FACENET_DATA } from '../testing/shared-data.fixture.js';
import { lcgInput, torchReference } from '../testing/torch-reference.fixture.js';
import { MTCNN_NETWORKS, type MtcnnNetworkName } from './architecture.js';
import { buildMtcnnOnnx, MTCNN_INPUT_NAME } from './build-onnx.js';

function realStateDict(name: MtcnnNetworkName): StateDict {
  return readStateDict(new Uint8Array(readFileSync(path.join(FACENET_DATA, `${name}.pt`))));
}

async function session(name: MtcnnNetworkName): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(buildMtcnnOnnx(MTCNN_NETWORKS[name], realStateDict(name)), { intraOpNumThreads: 1 });
}

describe('buildMtcnnOnnx on the real weights', () => {
  for (const name of ['pnet', 'rnet', 'onet'] as const) {
    it(`${name}: onnxruntime reproduces PyTorch's outputs (conv, ceil-mode pools, PReLU, W-H-C flattening, softmax)`, async () => {
      const reference = torchReference.networks[name];
      const count = reference.shape.reduce((a, b) => a * b, 1);
      const model = await session(name);
      try {
        const outputs = await model.run({ [MTCNN_INPUT_NAME]: new ort.Tensor('float32', lcgInput(count, reference.seed), [...reference.shape]) });
        const heads = Object.entries(reference.outputs);
        expect(Object.keys(outputs).sort()).toEqual(heads.map(([head]) => head).sort());
        for (const [head, want] of heads) {
          const got = outputs[head] as ort.Tensor;
          expect(got.dims).toEqual(want.shape);
          const data = got.data as Float32Array;
          let worst = 0;
          want.data.forEach((value, i) => {
            worst = Math.max(worst, Math.abs((data[i] as number) - value) / Math.max(1, Math.abs(value)));
          });
          console.info(`${name}.${head}: ${want.data.length} values, largest difference from PyTorch ${worst.toExponential(2)}`);
          expect(worst).toBeLessThan(1e-5);
        }
      } finally {
        await model.release();
      }
    });
  }

  it('P-Net takes any image size; its maps have the sizes PyTorch (ceil_mode pooling) gives', async () => {
    const model = await session('pnet');
    try {
      for (const [height, width] of [
        [12, 12],
        [13, 12],
        [25, 40],
        [101, 57],
      ] as const) {
        const outputs = await model.run({ [MTCNN_INPUT_NAME]: new ort.Tensor('float32', new Float32Array(3 * height * width), [1, 3, height, width]) });
        // conv 3x3: size − 2; max pool 2/2 rounding up: ceil((size − 2 − 2) / 2) + 1; two more 3x3 convs: − 4.
        const cells = (size: number): number => Math.ceil((size - 4) / 2) + 1 - 4;
        expect(outputs.prob?.dims).toEqual([1, 2, cells(height), cells(width)]);
        expect(outputs.reg?.dims).toEqual([1, 4, cells(height), cells(width)]);
      }
    } finally {
      await model.release();
    }
  });

  it('records the metadata it is given and the network name', () => {
    const bytes = buildMtcnnOnnx(MTCNN_NETWORKS.rnet, realStateDict('rnet'), { metadata: { source_sha256: 'abc' } });
    const model = decodeModel(bytes);
    const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(metadata).toMatchObject({ network: 'rnet', source_sha256: 'abc' });
    expect(model.producerName).toBe('@pv/mtcnn');
  });

  it('refuses a state dict of another network, naming the first mismatch', () => {
    expect(() => buildMtcnnOnnx(MTCNN_NETWORKS.pnet, realStateDict('rnet'))).toThrow(
      expect.objectContaining({
        code: 'E_MODEL_FORMAT',
        message: 'The pnet.pt does not match the expected layout: tensor conv1.weight has shape [28, 3, 3, 3], expected [10, 3, 3, 3]',
      }),
    );
  });
});
