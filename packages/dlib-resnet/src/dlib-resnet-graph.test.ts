import { isPvError } from '@pv/core';
import { decodeModel } from '@pv/onnx-writer';
import { describe, expect, it } from 'vitest';
import { buildDlibResnetGraph } from './dlib-resnet-graph.js';
import { syntheticDlibWeights } from './synthetic-weights.fixture.js';
import type { DecodedTensor } from './tfjs-weights.js';

const model = decodeModel(buildDlibResnetGraph(syntheticDlibWeights()));
const nodes = model.graph?.node ?? [];
const ops = (type: string) => nodes.filter((n) => n.opType === type);

function initializer(name: string): { dims: number[]; values: Float32Array } {
  const t = model.graph?.initializer?.find((i) => i.name === name);
  if (!t?.rawData) throw new Error(`no initializer ${name}`);
  const bytes = Uint8Array.from(t.rawData);
  return { dims: (t.dims ?? []).map(Number), values: new Float32Array(bytes.buffer, 0, bytes.length / 4) };
}

/** The value of the single int64 initializer feeding input `index` of `node`. */
function int64Input(node: (typeof nodes)[number], index: number): number[] {
  const t = model.graph?.initializer?.find((i) => i.name === node.input?.[index]);
  const bytes = Uint8Array.from(t?.rawData ?? []);
  return [...new BigInt64Array(bytes.buffer, 0, bytes.length / 8)].map(Number);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isPvError(error) ? error.code : `not a PvError: ${String(error)}`;
  }
  return undefined;
}

describe('buildDlibResnetGraph', () => {
  it('takes [batch, 3, 150, 150] and gives the [batch, 128] descriptor', () => {
    type ValueInfo = NonNullable<NonNullable<typeof model.graph>['input']>[number];
    const dims = (v: ValueInfo | undefined) => v?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue));
    expect(model.graph?.input?.map((i) => i.name)).toEqual(['input']);
    expect(dims(model.graph?.input?.[0])).toEqual(['batch', 3, 150, 150]);
    expect(model.graph?.output?.map((o) => o.name)).toEqual(['descriptor']);
    expect(dims(model.graph?.output?.[0])).toEqual(['batch', 128]);
  });

  it("has dlib's layers: 29 convolutions each with a scale layer, a max-pooled stem, 4 pooled shortcuts, global pooling, a bias-free FC", () => {
    expect(ops('Conv')).toHaveLength(29);
    expect(ops('Mul')).toHaveLength(29);
    expect(ops('MaxPool')).toHaveLength(1);
    expect(ops('AveragePool')).toHaveLength(4);
    expect(ops('GlobalAveragePool')).toHaveLength(1);
    expect(ops('MatMul')).toHaveLength(1);
    expect(ops('Gemm')).toHaveLength(0);
    // 1 stem ReLU + 14 blocks × (ReLU after conv1 + ReLU after the sum)
    expect(ops('Relu')).toHaveLength(29);
  });

  it('pads like tfjs: same for stride-1 3x3, valid for stride 2', () => {
    const attribute = (node: (typeof nodes)[number], name: string) => node.attribute?.find((a) => a.name === name)?.ints?.map(Number);
    for (const conv of ops('Conv')) {
      const stride = attribute(conv, 'strides')?.[0];
      expect(attribute(conv, 'pads'), conv.name ?? '').toEqual(stride === 2 ? [0, 0, 0, 0] : [1, 1, 1, 1]);
    }
    expect(ops('Conv').filter((c) => attribute(c, 'strides')?.[0] === 2).map((c) => c.name)).toEqual([
      'conv32_down/conv',
      'conv64_down/conv1/conv',
      'conv128_down/conv1/conv',
      'conv256_down/conv1/conv',
      'conv256_down_out/conv1/conv',
    ]);
  });

  it('zero-pads the shortcuts to twice the channels, and the branches by one row and column where 150 px leaves them short', () => {
    const pads = ops('Pad').map((p) => [p.name, int64Input(p, 1)]);
    expect(pads).toEqual([
      ['conv64_down/shortcut_pad', [0, 0, 0, 0, 0, 32, 0, 0]],
      ['conv128_down/shortcut_pad', [0, 0, 0, 0, 0, 64, 0, 0]],
      ['conv256_down/branch_pad', [0, 0, 0, 0, 0, 0, 1, 1]],
      ['conv256_down/shortcut_pad', [0, 0, 0, 0, 0, 128, 0, 0]],
      ['conv256_down_out/branch_pad', [0, 0, 0, 0, 0, 0, 1, 1]],
    ]);
  });

  it('transposes filters from tfjs HWIO to ONNX OIHW and keeps scale layers per channel', () => {
    const weights = syntheticDlibWeights();
    const filters = weights.get('conv32_down/conv/filters') as DecodedTensor;
    const { dims, values } = initializer('conv32_down/conv/filters');
    expect(dims).toEqual([32, 3, 7, 7]);
    for (const [y, x, i, o] of [[0, 0, 0, 0], [6, 2, 1, 31], [3, 5, 2, 7]] as const) {
      expect(values[((o * 3 + i) * 7 + y) * 7 + x]).toBe(filters.values[((y * 7 + x) * 3 + i) * 32 + o]);
    }
    expect(initializer('conv32_down/scale/weights').dims).toEqual([32, 1, 1]);
    expect(initializer('fc').dims).toEqual([256, 128]);
  });

  it('is deterministic', () => {
    const a = buildDlibResnetGraph(syntheticDlibWeights());
    const b = buildDlibResnetGraph(syntheticDlibWeights());
    // 22 MB: compared in a loop (a deep-equality matcher walks every byte far more slowly).
    expect(b.length).toBe(a.length);
    expect(a.findIndex((byte, i) => byte !== b[i])).toBe(-1);
  });

  it('refuses missing, misshapen or foreign tensors with E_MODEL_FORMAT naming the tensor', () => {
    const missing = syntheticDlibWeights();
    missing.delete('conv128_1/conv2/scale/biases');
    expect(() => buildDlibResnetGraph(missing)).toThrow(/lack tensor conv128_1\/conv2\/scale\/biases/u);
    const misshapen = syntheticDlibWeights();
    misshapen.set('fc', { shape: [128, 256], values: new Float32Array(128 * 256) });
    expect(() => buildDlibResnetGraph(misshapen)).toThrow(/fc has shape \[128, 256\]/u);
    const wrongDepth = syntheticDlibWeights();
    wrongDepth.set('conv32_1/conv1/conv/filters', { shape: [3, 3, 16, 32], values: new Float32Array(3 * 3 * 16 * 32) });
    expect(() => buildDlibResnetGraph(wrongDepth)).toThrow(/conv32_1\/conv1\/conv\/filters/u);
    const foreign = syntheticDlibWeights().set('extra/weights', { shape: [1], values: new Float32Array(1) });
    expect(() => buildDlibResnetGraph(foreign)).toThrow(/does not use: extra\/weights/u);
    expect(codeOf(() => buildDlibResnetGraph(foreign))).toBe('E_MODEL_FORMAT');
  });
});
