import { describe, expect, it } from 'vitest';
import { activationQuantization, correctBias, quantizeWeightsPerChannel } from './qdq.js';

describe('activationQuantization', () => {
  it('covers the range and zero with 255 uint8 steps, zero exactly representable', () => {
    const q = activationQuantization({ min: -1, max: 3 });
    expect(q.scale).toBeCloseTo(4 / 255, 9);
    expect(q.zeroPoint).toBe(64);
    expect(activationQuantization({ min: 0.5, max: 2 })).toEqual({ scale: 2 / 255, zeroPoint: 0 });
    expect(activationQuantization({ min: -2, max: -1 })).toEqual({ scale: 2 / 255, zeroPoint: 255 });
    expect(activationQuantization({ min: 0, max: 0 })).toEqual({ scale: 1, zeroPoint: 0 });
  });
});

describe('quantizeWeightsPerChannel', () => {
  it('scales each output channel by its own largest magnitude to ±127', () => {
    const { values, scales } = quantizeWeightsPerChannel(Float32Array.from([1, -0.4, 0.25, 0, 0, 0, 10, -20]), 4);
    expect([...scales]).toEqual([1 / 127, 0.25 / 127, 1, 20 / 127].map(Math.fround));
    expect([...values]).toEqual([127, -51, 127, 0, 0, 0, 64, -127]);
  });
});

describe('correctBias', () => {
  it('removes the mean shift that weight rounding causes for the given input means', () => {
    // One output channel, two inputs, 1x1 kernel: weights 0.3 and 1.0 round to 0.3 ± a bit.
    const weights = Float32Array.from([0.3, 1]);
    const { values, scales } = quantizeWeightsPerChannel(weights, 1);
    const bias = Float32Array.from([0.5]);
    const means = Float32Array.from([2, -1]);
    correctBias(bias, weights, values, scales, means, [1, 2, 1, 1]);
    const floatOut = 0.3 * 2 + 1 * -1 + 0.5;
    const quantizedOut = (values[0] as number) * (scales[0] as number) * 2 + (values[1] as number) * (scales[0] as number) * -1 + (bias[0] as number);
    expect(quantizedOut).toBeCloseTo(floatOut, 6);
  });

  it('uses the inputs of each group for a depthwise convolution', () => {
    const weights = Float32Array.from([0.3, 0.7]);
    const { values, scales } = quantizeWeightsPerChannel(weights, 2);
    const bias = Float32Array.from([0, 0]);
    correctBias(bias, weights, values, scales, Float32Array.from([1, 5]), [2, 1, 1, 1]);
    expect(bias[0]).toBeCloseTo(-((values[0] as number) * (scales[0] as number) - 0.3) * 1, 6);
    expect(bias[1]).toBeCloseTo(-((values[1] as number) * (scales[1] as number) - 0.7) * 5, 6);
  });
});
