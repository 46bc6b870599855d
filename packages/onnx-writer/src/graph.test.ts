import { randomVector, seededRandom } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './builder.js';
import { decodeModel } from './encode.js';
import { OnnxGraph } from './graph.js';
import { runModel } from './run-model.fixture.js';

describe('OnnxGraph', () => {
  it('writes a model whose batch dimension is dynamic', async () => {
    const g = new OnnxGraphBuilder({ name: 'tiny' });
    const x = g.input('input', 'float32', ['batch', 3]);
    const w = g.float32('w', [3, 2], new Float32Array([1, 2, 3, 4, 5, 6]));
    g.output(g.matMul(x, w), 'float32', ['batch', 2], 'output');
    const model = g.toModel();
    const rows = randomVector(seededRandom(9), 4 * 3);
    const batch = (await runModel(model, { input: { dims: [4, 3], data: rows } })).output;
    expect(batch?.dims).toEqual([4, 2]);
    for (let i = 0; i < 4; i++) {
      const single = (await runModel(model, { input: { dims: [1, 3], data: rows.slice(i * 3, i * 3 + 3) } })).output;
      expect(single?.data).toEqual(batch?.data.slice(i * 2, i * 2 + 2));
    }
  });

  it('records opset, IR version, producer, metadata and symbolic dims', () => {
    const g = new OnnxGraphBuilder({ opset: 18 });
    const x = g.input('x', 'float32', ['batch', 4]);
    g.output(g.relu(x), 'float32', ['batch', 4]);
    const model = decodeModel(g.toModel({ producerName: 'pv-test', metadata: { source_sha256: 'abc' } }));
    expect(Number(model.opsetImport[0]?.version)).toBe(18);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.producerName).toBe('pv-test');
    expect(model.metadataProps).toEqual([expect.objectContaining({ key: 'source_sha256', value: 'abc' })]);
    expect(model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.[0]?.dimParam).toBe('batch');
    expect(model.graph?.node?.map((n) => n.opType)).toEqual(['Relu']);
  });

  it('makes generated names unique and omits trailing optional inputs', () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', 'float32', [1, 1, 2, 2]);
    const a = g.float32('w', [1, 1, 1, 1], new Float32Array([2]));
    const b = g.float32('w', [1, 1, 1, 1], new Float32Array([3]));
    expect([a.name, b.name]).toEqual(['w', 'w_1']);
    const y = g.conv(g.conv(x, a, undefined), b, undefined);
    g.output(y, 'float32', [1, 1, 2, 2]);
    const nodes = decodeModel(g.toModel()).graph?.node ?? [];
    expect(nodes.map((n) => [n.input, n.output])).toEqual([
      [['x', 'w'], ['Conv']],
      [['Conv', 'w_1'], ['Conv_1']],
    ]);
  });

  it('refuses unknown inputs, reused names, bad opsets, bad initializers and output-less graphs', () => {
    const g = new OnnxGraph();
    g.input('x', 'float32', [1]);
    expect(() => g.node('Relu', [{ name: 'nope' }])).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => g.input('x', 'float32', [1])).toThrow(/already used/u);
    expect(() => g.initializer('c', { dtype: 'float32', dims: [2, 2], data: new Float32Array(3) })).toThrow(/3 elements/u);
    expect(() => new OnnxGraph({ opset: 12 })).toThrow(/Unsupported opset 12/u);
    expect(() => g.toModel()).toThrow(/no outputs/u);
  });

  it('encodes int64, int32 and float64 initializers little-endian', async () => {
    const g = new OnnxGraphBuilder();
    const x = g.input('x', 'float32', [2, 3]);
    const shape = g.initializer('shape', { dtype: 'int64', dims: [2], data: new BigInt64Array([3n, -1n]) });
    g.output(g.node('Reshape', [x, shape])[0] as never, 'float32', [3, 2], 'y');
    const y = (await runModel(g.toModel(), { x: { dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) } })).y;
    expect(y?.dims).toEqual([3, 2]);
    const model = decodeModel(g.toModel());
    expect(Array.from(model.graph?.initializer?.[0]?.rawData ?? [])).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
  });
});
