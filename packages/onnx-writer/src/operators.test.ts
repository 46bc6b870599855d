import { randomVector, seededRandom } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from './builder.js';
import { maxAbsDifference, runModel, type Float32Tensor } from './run-model.fixture.js';
import type { ValueRef } from './types.js';

/** Builds a one-input graph, runs it on `input`, and returns output `y`. */
async function runUnary(
  input: Float32Tensor,
  build: (g: OnnxGraphBuilder, x: ValueRef) => ValueRef,
  opset = 17,
): Promise<Float32Tensor> {
  const g = new OnnxGraphBuilder({ opset });
  const x = g.input('x', 'float32', input.dims);
  g.output(build(g, x), 'float32', undefined, 'y');
  const outputs = await runModel(g.toModel(), { x: input });
  return outputs.y as Float32Tensor;
}

/** Plain NCHW convolution (batch 1) with zero padding, for checking Conv. */
function naiveConv(
  x: Float32Array,
  [c, h, w]: readonly [number, number, number],
  weight: Float32Array,
  [outC, kh, kw]: readonly [number, number, number],
  bias: Float32Array,
  { stride, pad, group, dilation }: { stride: number; pad: number; group: number; dilation: number },
): { data: Float32Array; dims: number[] } {
  const inPerGroup = c / group;
  const outPerGroup = outC / group;
  const oh = Math.floor((h + 2 * pad - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - dilation * (kw - 1) - 1) / stride) + 1;
  const out = new Float32Array(outC * oh * ow);
  for (let o = 0; o < outC; o++) {
    const g = Math.floor(o / outPerGroup);
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        let sum = bias[o] as number;
        for (let i = 0; i < inPerGroup; i++) {
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              const iy = y * stride - pad + ky * dilation;
              const ix = xx * stride - pad + kx * dilation;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              sum += (x[((g * inPerGroup + i) * h + iy) * w + ix] as number) * (weight[((o * inPerGroup + i) * kh + ky) * kw + kx] as number);
            }
          }
        }
        out[(o * oh + y) * ow + xx] = sum;
      }
    }
  }
  return { data: out, dims: [1, outC, oh, ow] };
}

describe('operators run in onnxruntime-node with the expected results', () => {
  it('Conv with padding, stride, dilation and groups', async () => {
    const input = { dims: [1, 4, 9, 8], data: randomVector(seededRandom(1), 4 * 9 * 8) };
    for (const geometry of [
      { stride: 1, pad: 1, group: 1, dilation: 1 },
      { stride: 2, pad: 0, group: 2, dilation: 1 },
      { stride: 1, pad: 2, group: 1, dilation: 2 },
    ]) {
      const weight = randomVector(seededRandom(2), 6 * (4 / geometry.group) * 3 * 3);
      const bias = randomVector(seededRandom(3), 6);
      const expected = naiveConv(input.data, [4, 9, 8], weight, [6, 3, 3], bias, geometry);
      const y = await runUnary(input, (g, x) =>
        g.conv(x, g.float32('w', [6, 4 / geometry.group, 3, 3], weight), g.float32('b', [6], bias), {
          strides: [geometry.stride, geometry.stride],
          pads: [geometry.pad, geometry.pad, geometry.pad, geometry.pad],
          dilations: [geometry.dilation, geometry.dilation],
          group: geometry.group,
        }),
      );
      expect(y.dims).toEqual(expected.dims);
      expect(maxAbsDifference(y.data, expected.data)).toBeLessThan(1e-5);
    }
  });

  it('BatchNormalization, Relu and PRelu', async () => {
    const input = { dims: [1, 3, 2, 2], data: randomVector(seededRandom(4), 12) };
    const [scale, bias, mean, variance] = [[1, 2, 0.5], [0.1, -0.2, 0.3], [0.5, -0.5, 0], [1, 4, 0.25]].map((v) => new Float32Array(v)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const slope = new Float32Array([0.1, 0.2, 0.3]);
    const y = await runUnary(input, (g, x) => {
      const bn = g.batchNormalization(
        x,
        {
          scale: g.float32('s', [3], scale),
          bias: g.float32('b', [3], bias),
          mean: g.float32('m', [3], mean),
          variance: g.float32('v', [3], variance),
        },
        0.001,
      );
      return g.add(g.relu(bn), g.prelu(bn, g.float32('slope', [3, 1, 1], slope)));
    });
    const expected = input.data.map((v, i) => {
      const c = Math.floor(i / 4);
      const n = ((v - (mean[c] as number)) / Math.sqrt((variance[c] as number) + 0.001)) * (scale[c] as number) + (bias[c] as number);
      return Math.max(n, 0) + (n >= 0 ? n : n * (slope[c] as number));
    });
    expect(maxAbsDifference(y.data, expected)).toBeLessThan(1e-5);
  });

  it('MaxPool with and without ceil_mode (PyTorch sizes)', async () => {
    const input = { dims: [1, 1, 5, 5], data: Float32Array.from({ length: 25 }, (_, i) => i) };
    const floor = await runUnary(input, (g, x) => g.maxPool(x, { kernelShape: [2, 2], strides: [2, 2] }));
    expect(floor).toEqual({ dims: [1, 1, 2, 2], data: new Float32Array([6, 8, 16, 18]) });
    const ceil = await runUnary(input, (g, x) => g.maxPool(x, { kernelShape: [2, 2], strides: [2, 2], ceilMode: true }));
    expect(ceil).toEqual({ dims: [1, 1, 3, 3], data: new Float32Array([6, 8, 9, 16, 18, 19, 21, 23, 24]) });
    const ceil3 = await runUnary(input, (g, x) => g.maxPool(x, { kernelShape: [3, 3], strides: [2, 2], ceilMode: true }));
    expect(ceil3).toEqual({ dims: [1, 1, 2, 2], data: new Float32Array([12, 14, 22, 24]) });
  });

  it('AveragePool (padding counted or not) and GlobalAveragePool', async () => {
    const input = { dims: [1, 1, 2, 2], data: new Float32Array([1, 2, 3, 4]) };
    const excluded = await runUnary(input, (g, x) => g.averagePool(x, { kernelShape: [2, 2], strides: [1, 1], pads: [1, 1, 0, 0] }));
    expect(excluded.data).toEqual(new Float32Array([1, 1.5, 2, 2.5]));
    const included = await runUnary(input, (g, x) =>
      g.averagePool(x, { kernelShape: [2, 2], strides: [1, 1], pads: [1, 1, 0, 0], countIncludePad: true }),
    );
    expect(included.data).toEqual(new Float32Array([0.25, 0.75, 1, 2.5]));
    const global = await runUnary(input, (g, x) => g.globalAveragePool(x));
    expect(global).toEqual({ dims: [1, 1, 1, 1], data: new Float32Array([2.5]) });
  });

  it('Concat, Add, Sub, Mul, Div, Max, Sqrt with broadcasting', async () => {
    const input = { dims: [1, 2, 2], data: new Float32Array([1, 4, 9, 16]) };
    const y = await runUnary(input, (g, x) => {
      const two = g.scalar(2);
      const arithmetic = g.div(g.mul(g.sub(g.add(x, two), two), two), two); // x
      return g.concat([g.sqrt(arithmetic), g.max(x, g.scalar(5))], 1);
    });
    expect(y).toEqual({ dims: [1, 4, 2], data: new Float32Array([1, 2, 3, 4, 5, 5, 9, 16]) });
  });

  it('Gemm with transB, MatMul, Flatten, Reshape, Transpose, Softmax', async () => {
    const input = { dims: [1, 2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) };
    const w = new Float32Array([1, 0, 0, 1, 1, 1]); // [2 out, 3 in]
    const y = await runUnary(input, (g, x) => {
      const flat = g.flatten(g.transpose(x, [0, 2, 1])); // [1, 6]: 1 4 2 5 3 6
      const rows = g.reshape(flat, [3, 2]); // [[1,4],[2,5],[3,6]]
      const viaGemm = g.gemm(rows, g.float32('w', [2, 2], new Float32Array([1, 0, 0, 1])), g.float32('c', [2], new Float32Array([0, 1])), {
        transB: true,
      });
      const viaMatMul = g.matMul(g.reshape(x, [2, 3]), g.transpose(g.float32('w3', [2, 3], w), [1, 0])); // [2, 2]
      return g.concat([g.reshape(viaGemm, [1, 6]), g.reshape(viaMatMul, [1, 4]), g.softmax(g.float32('logits', [1, 2], new Float32Array([0, Math.log(3)])), 1)], 1);
    });
    expect(maxAbsDifference(y.data, [1, 5, 2, 6, 3, 7, 1, 6, 4, 15, 0.25, 0.75])).toBeLessThan(1e-6);
  });

  for (const opset of [17, 18]) {
    it(`ReduceMean, ReduceSumSquare, ReduceL2 and LpNormalization (opset ${opset})`, async () => {
      const input = { dims: [2, 2], data: new Float32Array([3, 4, 6, 8]) };
      const y = await runUnary(
        input,
        (g, x) => g.concat([g.reduceMean(x, [1]), g.reduceSumSquare(x, [1]), g.reduceL2(x, [1]), g.lpNormalization(x, 1)], 1),
        opset,
      );
      expect(y.dims).toEqual([2, 5]);
      expect(maxAbsDifference(y.data, [3.5, 25, 5, 0.6, 0.8, 7, 100, 10, 0.6, 0.8])).toBeLessThan(1e-5);
      const all = await runUnary(input, (g, x) => g.reduceL2(x, [0, 1], { keepDims: false }), opset);
      expect(all.dims).toEqual([]);
      expect(maxAbsDifference(all.data, [Math.sqrt(125)])).toBeLessThan(1e-5);
    });
  }
});
