import type { TensorData } from '@pv/face-models';
import { decodeModel, encodeModel, OnnxGraphBuilder } from '@pv/onnx-writer';
import { describe, expect, it } from 'vitest';
import { collectChannelStatistics } from './calibrate.js';
import { equalizationPairs, equalizeChannels } from './equalize.js';
import { openOnNode } from './node/index.js';

/** 1x1 conv (4 → 4, channel c scaled by 10^-c) → PRelu → depthwise 3x3 → PRelu → 1x1 conv (4 → 2). */
function model(): Uint8Array {
  const g = new OnnxGraphBuilder({ opset: 13 });
  const x = g.input('x', 'float32', [1, 4, 6, 6]);
  const w1 = new Float32Array(16).map((_, i) => (((i * 7) % 5) - 2) * 0.3 * 10 ** -Math.floor(i / 4));
  const a = g.conv(x, g.float32('w1', [4, 4, 1, 1], w1), g.float32('b1', [4], Float32Array.from([0.1, 0.01, -0.001, 0.0001])), { name: 'a' });
  const pa = g.prelu(a, g.float32('s1', [4, 1, 1], Float32Array.from([0.25, -0.5, 0.1, 0.3])), { name: 'pa' });
  const w2 = new Float32Array(36).map((_, i) => ((i * 5) % 7) / 7 - 0.4);
  const b = g.conv(pa, g.float32('w2', [4, 1, 3, 3], w2), g.float32('b2', [4], Float32Array.from([0, 0.1, 0.2, 0.3])), { group: 4, pads: [1, 1, 1, 1], name: 'b' });
  const pb = g.prelu(b, g.float32('s2', [4, 1, 1], Float32Array.from([0.2, 0.2, 0.2, 0.2])), { name: 'pb' });
  const w3 = new Float32Array(8).map((_, i) => (i % 3) - 1 + 0.05 * i);
  const y = g.conv(pb, g.float32('w3', [2, 4, 1, 1], w3), undefined, { name: 'c' });
  g.output(y, 'float32', [1, 2, 6, 6], 'y');
  return g.toModel();
}

function feeds(count: number): Record<string, TensorData>[] {
  return Array.from({ length: count }, (_, n) => ({ x: { data: new Float32Array(144).map((_, i) => Math.sin(i * 0.37 + n)), dims: [1, 4, 6, 6] } }));
}

describe('equalizeChannels', () => {
  it('finds conv → PRelu → conv pairs, depthwise or dense', () => {
    expect(equalizationPairs(decodeModel(model()))).toEqual([
      { first: 'a', second: 'b', tensor: 'a', depthwise: true },
      { first: 'b', second: 'c', tensor: 'b', depthwise: false },
    ]);
  });

  it('computes the same in float and evens out the channel ranges between the convolutions', async () => {
    const float = model();
    const inputs = feeds(6);
    const before = await collectChannelStatistics(float, ['a', 'b', 'y'], inputs, openOnNode());
    const m = decodeModel(float);
    const done = equalizeChannels(m, new Map([...before].map(([k, s]) => [k, s.absMax])), { denseStrength: 1, maxScale: 1e4 });
    expect(done).toHaveLength(2);
    const equalized = encodeModel(m);
    const after = await collectChannelStatistics(equalized, ['a', 'b', 'y'], inputs, openOnNode());
    const spread = (v: Float32Array) => Math.max(...v) / Math.min(...v);
    expect(spread(before.get('a')?.absMax as Float32Array)).toBeGreaterThan(100);
    expect(spread(after.get('a')?.absMax as Float32Array)).toBeCloseTo(1, 4);
    expect(spread(after.get('b')?.absMax as Float32Array)).toBeCloseTo(1, 4);
    const y0 = before.get('y') as { mean: Float32Array; absMax: Float32Array };
    const y1 = after.get('y') as { mean: Float32Array; absMax: Float32Array };
    for (let c = 0; c < 2; c++) {
      expect(y1.mean[c]).toBeCloseTo(y0.mean[c] as number, 5);
      expect(y1.absMax[c]).toBeCloseTo(y0.absMax[c] as number, 5);
    }
    const [r0, r1] = await Promise.all([openOnNode()(float), openOnNode()(equalized)]);
    const o0 = (await r0.run(inputs[0] as Record<string, TensorData>)).y?.data ?? new Float32Array();
    const o1 = (await r1.run(inputs[0] as Record<string, TensorData>)).y?.data ?? new Float32Array();
    await Promise.all([r0.close(), r1.close()]);
    expect(o1).toHaveLength(72);
    for (let i = 0; i < o0.length; i++) expect(o1[i]).toBeCloseTo(o0[i] as number, 5);
  });
});
