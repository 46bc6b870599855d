import type { TensorData } from '@pv/face-models';
import { OnnxGraphBuilder } from '@pv/onnx-writer';
import { describe, expect, it } from 'vitest';
import { openOnNode } from './node/index.js';
import { quantizeModel, type BiasCorrection } from './quantize.js';

/** A deterministic pseudo-random number in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A depthwise 3x3 convolution (with bias) then a 1x1 convolution without bias, 4 channels. Each depthwise
 * kernel has one large weight and eight small ones (0.003, below half an int8 step of 1/254): per-channel
 * int8 rounding sets the small ones to 0, which shifts the output mean by 8 x 0.003 x the input mean.
 */
function tinyModel(): Uint8Array {
  const g = new OnnxGraphBuilder({ opset: 13 });
  const x = g.input('x', 'float32', [1, 4, 8, 8]);
  const dw = new Float32Array(4 * 9).map((_, i) => (i % 9 === 4 ? 1 - 0.1 * Math.floor(i / 9) : 0.003));
  const h = g.conv(x, g.float32('dw_weight', [4, 1, 3, 3], dw), g.float32('dw_bias', [4], Float32Array.from([0.1, -0.2, 0.3, 0])), { group: 4, pads: [1, 1, 1, 1], name: 'dw' });
  const pw = new Float32Array(16).map((_, i) => (i % 5 === 0 ? 0.9 : 0.002 * (i % 3)));
  const y = g.conv(h, g.float32('pw_weight', [4, 4, 1, 1], pw), undefined, { name: 'pw' });
  g.output(y, 'float32', [1, 4, 8, 8], 'y');
  return g.toModel();
}

/** Inputs with a channel mean of about 3 (uniform in [1, 5]). */
function inputs(count: number, seed: number): Record<string, TensorData>[] {
  const next = random(seed);
  return Array.from({ length: count }, () => ({ x: { data: new Float32Array(4 * 64).map(() => 1 + 4 * next()), dims: [1, 4, 8, 8] } }));
}

/** The largest difference over channels of the output's per-channel mean, quantized minus float, over `feeds`. */
async function largestMeanShift(float: Uint8Array, quantized: Uint8Array, feeds: readonly Record<string, TensorData>[]): Promise<number> {
  const open = openOnNode();
  const [a, b] = await Promise.all([open(float), open(quantized)]);
  const difference = new Float64Array(4);
  try {
    for (const feed of feeds) {
      const ya = (await a.run(feed)).y?.data ?? new Float32Array();
      const yb = (await b.run(feed)).y?.data ?? new Float32Array();
      for (let i = 0; i < ya.length; i++) difference[Math.floor(i / 64)] = (difference[Math.floor(i / 64)] as number) + ((yb[i] as number) - (ya[i] as number)) / (64 * feeds.length);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
  return Math.max(...[...difference].map(Math.abs));
}

describe('bias correction', () => {
  const float = tinyModel();
  const calibration = inputs(16, 1);
  const heldOut = inputs(16, 2);
  const quantize = (biasCorrection: BiasCorrection) =>
    quantizeModel(float, calibration, { open: openOnNode(), biasCorrection, floatInputLayers: false, floatOutputLayers: false, targetCosine: 0, rangeMethod: { kind: 'minmax' } });

  it('empirical: removes the output mean shift that int8 rounding causes, on the calibration inputs and on others', async () => {
    const none = await quantize('none');
    const empirical = await quantize('empirical');
    expect(none.report.quantized).toEqual(['dw', 'pw']);
    expect(empirical.report.quantized).toEqual(['dw', 'pw']);
    // Uncorrected: the rounded-away small weights shift each channel's mean by about 8 x 0.003 x 3 ≈ 0.07.
    const shiftNone = await largestMeanShift(float, none.model, heldOut);
    expect(shiftNone).toBeGreaterThan(0.04);
    // Corrected: what is left is the output's rounding (step 1/255 of its range), a tenth of that or less.
    expect(await largestMeanShift(float, empirical.model, calibration)).toBeLessThan(shiftNone / 10);
    expect(await largestMeanShift(float, empirical.model, heldOut)).toBeLessThan(shiftNone / 10);
    expect(empirical.agreement.meanCosine).toBeGreaterThan(none.agreement.meanCosine);
  });

  it('gives the int8 convolution without a bias one (an int32 bias behind a DequantizeLinear)', async () => {
    const { decodeModel } = await import('@pv/onnx-writer');
    const empirical = await quantize('empirical');
    const nodes = decodeModel(empirical.model).graph?.node ?? [];
    const pw = nodes.find((n) => n.name === 'pw');
    expect(pw?.input).toHaveLength(3);
    const bias = nodes.find((n) => n.output?.includes(pw?.input?.[2] ?? ''));
    expect(bias?.opType).toBe('DequantizeLinear');
    // Without any correction it keeps none.
    const none = decodeModel((await quantize('none')).model).graph?.node ?? [];
    expect(none.find((n) => n.name === 'pw')?.input).toHaveLength(2);
  });
});
