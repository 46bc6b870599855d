/**
 * Naive layers in plain TypeScript, float64, one image (test-only). Written straight from the PyTorch
 * definitions (Conv2d, BatchNorm, ReLU, MaxPool2d, cat, AdaptiveAvgPool2d, Linear, F.normalize) to check
 * the ONNX conversion against; nothing here is shared with the ONNX builder.
 */

/** A C×H×W feature map, row-major. */
export interface FeatureMap {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** `Conv2d` with zero padding; `weight` is [out, in, kh, kw] row-major. */
export function conv2d(
  x: FeatureMap,
  weight: Float32Array,
  shape: readonly [number, number, number, number],
  bias: Float32Array | undefined,
  stride: number,
  padH: number,
  padW: number,
): FeatureMap {
  const [outC, inC, kh, kw] = shape;
  if (inC !== x.channels) throw new Error(`conv2d: ${x.channels} input channels, weight expects ${inC}`);
  const outH = Math.floor((x.height + 2 * padH - kh) / stride) + 1;
  const outW = Math.floor((x.width + 2 * padW - kw) / stride) + 1;
  const out = new Float64Array(outC * outH * outW);
  const plane = outH * outW;
  for (let o = 0; o < outC; o++) {
    const outBase = o * plane;
    if (bias !== undefined) out.fill(bias[o] as number, outBase, outBase + plane);
    for (let i = 0; i < inC; i++) {
      const inBase = i * x.height * x.width;
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          const w = weight[((o * inC + i) * kh + ky) * kw + kx] as number;
          for (let oy = 0; oy < outH; oy++) {
            const iy = oy * stride - padH + ky;
            if (iy < 0 || iy >= x.height) continue;
            const rowBase = inBase + iy * x.width;
            const outRow = outBase + oy * outW;
            for (let ox = 0; ox < outW; ox++) {
              const ix = ox * stride - padW + kx;
              if (ix < 0 || ix >= x.width) continue;
              out[outRow + ox] = (out[outRow + ox] as number) + w * (x.data[rowBase + ix] as number);
            }
          }
        }
      }
    }
  }
  return { channels: outC, height: outH, width: outW, data: out };
}

/** Inference-mode batch norm over channels: `(x - mean) / sqrt(var + eps) * gamma + beta`. */
export function batchNorm(
  x: FeatureMap,
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): FeatureMap {
  const plane = x.height * x.width;
  const out = new Float64Array(x.data.length);
  for (let c = 0; c < x.channels; c++) {
    const inv = 1 / Math.sqrt((variance[c] as number) + eps);
    for (let j = c * plane; j < (c + 1) * plane; j++) {
      out[j] = ((x.data[j] as number) - (mean[c] as number)) * inv * (gamma[c] as number) + (beta[c] as number);
    }
  }
  return { ...x, data: out };
}

/** `ReLU`. */
export function relu(x: FeatureMap): FeatureMap {
  return { ...x, data: x.data.map((v) => (v > 0 ? v : 0)) };
}

/** `MaxPool2d(kernel, stride)` without padding, floor mode. */
export function maxPool(x: FeatureMap, kernel: number, stride: number): FeatureMap {
  const outH = Math.floor((x.height - kernel) / stride) + 1;
  const outW = Math.floor((x.width - kernel) / stride) + 1;
  const out = new Float64Array(x.channels * outH * outW);
  for (let c = 0; c < x.channels; c++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        let best = -Infinity;
        for (let ky = 0; ky < kernel; ky++) {
          for (let kx = 0; kx < kernel; kx++) {
            best = Math.max(best, x.data[(c * x.height + oy * stride + ky) * x.width + ox * stride + kx] as number);
          }
        }
        out[(c * outH + oy) * outW + ox] = best;
      }
    }
  }
  return { channels: x.channels, height: outH, width: outW, data: out };
}

/** `torch.cat(maps, dim=1)`. */
export function concatChannels(maps: readonly FeatureMap[]): FeatureMap {
  const first = maps[0] as FeatureMap;
  const data = new Float64Array(maps.reduce((n, m) => n + m.data.length, 0));
  let offset = 0;
  for (const map of maps) {
    if (map.height !== first.height || map.width !== first.width) throw new Error('concat: spatial sizes differ');
    data.set(map.data, offset);
    offset += map.data.length;
  }
  return { channels: maps.reduce((n, m) => n + m.channels, 0), height: first.height, width: first.width, data };
}

/** `a * scale + b`, element-wise. */
export function scaledSum(a: FeatureMap, scale: number, b: FeatureMap): FeatureMap {
  return { ...a, data: a.data.map((v, i) => v * scale + (b.data[i] as number)) };
}

/** `AdaptiveAvgPool2d(1)` then flatten: one mean per channel. */
export function globalAveragePool(x: FeatureMap): Float64Array {
  const plane = x.height * x.width;
  const out = new Float64Array(x.channels);
  for (let c = 0; c < x.channels; c++) {
    let sum = 0;
    for (let j = c * plane; j < (c + 1) * plane; j++) sum += x.data[j] as number;
    out[c] = sum / plane;
  }
  return out;
}

/** `Linear` without bias: `weight` is [out, in]. */
export function linear(x: Float64Array, weight: Float32Array, outFeatures: number): Float64Array {
  const out = new Float64Array(outFeatures);
  for (let o = 0; o < outFeatures; o++) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (weight[o * x.length + i] as number) * (x[i] as number);
    out[o] = sum;
  }
  return out;
}

/** `F.normalize(x, p=2, dim=1)`: `x / max(||x||, 1e-12)`. */
export function l2Normalize(x: Float64Array): Float64Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const norm = Math.max(Math.sqrt(sum), 1e-12);
  return x.map((v) => v / norm);
}
