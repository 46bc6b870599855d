import { TfjsWeightsError } from './errors.js';

/**
 * How a tfjs weight is stored: `uint8`/`uint16` affine quantisation (`value = q * scale + min`, computed in
 * double precision and rounded to float32, as tfjs does).
 */
export interface TfjsQuantization {
  readonly dtype: 'uint8' | 'uint16';
  readonly scale: number;
  readonly min: number;
}

/** One tensor in a tfjs weights manifest. */
export interface TfjsWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** The tensor's type once decoded; only float32 is read. */
  readonly dtype: 'float32';
  /** Absent: stored as little-endian float32. */
  readonly quantization?: TfjsQuantization;
}

/** One group of a manifest: its weights are stored back to back across the concatenation of `paths`. */
export interface TfjsWeightsGroup {
  /** Weight files, relative to the manifest's folder, in storage order. */
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightSpec[];
}

/** A tfjs `weights_manifest.json`: groups of weights and the binary files that hold them. */
export type TfjsWeightsManifest = readonly TfjsWeightsGroup[];

/** A decoded tensor: its shape and values, row-major as tfjs stores them. */
export interface DecodedTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Checks that `value` (a parsed `weights_manifest.json`) is a manifest this reader supports and returns it
 * typed. Throws `E_MODEL_FORMAT` naming the first problem: float16 quantisation and non-float32 tensors are
 * refused.
 */
export function parseTfjsWeightsManifest(value: unknown): TfjsWeightsManifest {
  if (!Array.isArray(value) || value.length === 0) fail('The weights manifest must be a non-empty array of groups');
  return value.map((group: unknown, g): TfjsWeightsGroup => {
    const o = record(group, `group ${g}`);
    const paths = o.paths;
    const weights = o.weights;
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((p) => typeof p === 'string' && p.length > 0)) {
      fail(`Group ${g} must list its weight files in "paths"`);
    }
    if (!Array.isArray(weights)) fail(`Group ${g} must list its tensors in "weights"`);
    return { paths: paths as string[], weights: weights.map((w: unknown, i) => parseSpec(w, `group ${g} weight ${i}`)) };
  });
}

function parseSpec(value: unknown, where: string): TfjsWeightSpec {
  const o = record(value, where);
  const name = o.name;
  if (typeof name !== 'string' || name.length === 0) fail(`The ${where} has no name`);
  const shape = o.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    fail(`Tensor ${name} has an invalid shape`, { name });
  }
  if (o.dtype !== 'float32') fail(`Tensor ${name} is ${String(o.dtype)}; only float32 tensors are supported`, { name });
  if (o.quantization === undefined) return { name, shape: shape as number[], dtype: 'float32' };
  const q = record(o.quantization, `quantization of ${name}`);
  if (q.dtype !== 'uint8' && q.dtype !== 'uint16') {
    fail(`Tensor ${name} uses ${String(q.dtype)} quantisation; only uint8 and uint16 are supported`, { name });
  }
  if (typeof q.scale !== 'number' || !Number.isFinite(q.scale) || typeof q.min !== 'number' || !Number.isFinite(q.min)) {
    fail(`Tensor ${name} lacks a finite quantisation scale and min`, { name });
  }
  return { name, shape: shape as number[], dtype: 'float32', quantization: { dtype: q.dtype, scale: q.scale, min: q.min } };
}

/**
 * Decodes every tensor of `manifest`, exactly as tfjs's `decodeWeights` does: each group's files are
 * concatenated and its tensors read back to back (quantised ones dequantised with `q * scale + min`).
 * `weightFile(path)` returns the bytes of a file named in the manifest. Every byte must be used: a file
 * too short or too long for its tensors is `E_MODEL_FORMAT`, as are duplicate tensor names.
 */
export function decodeTfjsWeights(
  manifest: TfjsWeightsManifest,
  weightFile: (path: string) => Uint8Array | undefined,
): Map<string, DecodedTensor> {
  const tensors = new Map<string, DecodedTensor>();
  for (const group of manifest) {
    const bytes = concatenate(
      group.paths.map((path) => {
        const file = weightFile(path);
        if (file === undefined) fail(`The weight file ${path} is missing`, { path });
        return file;
      }),
    );
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of group.weights) {
      const count = spec.shape.reduce((a, b) => a * b, 1);
      const width = spec.quantization === undefined ? 4 : spec.quantization.dtype === 'uint8' ? 1 : 2;
      if (offset + count * width > bytes.length) {
        fail(`The weight files ${group.paths.join(', ')} end before tensor ${spec.name}`, { name: spec.name });
      }
      if (tensors.has(spec.name)) fail(`Tensor ${spec.name} appears twice`, { name: spec.name });
      tensors.set(spec.name, { shape: spec.shape, values: decodeValues(view, offset, count, spec.quantization) });
      offset += count * width;
    }
    if (offset !== bytes.length) {
      fail(`The weight files ${group.paths.join(', ')} hold ${bytes.length} bytes but the manifest describes ${offset}`, {
        paths: group.paths,
      });
    }
  }
  return tensors;
}

function decodeValues(view: DataView, offset: number, count: number, quantization: TfjsQuantization | undefined): Float32Array {
  const values = new Float32Array(count);
  if (quantization === undefined) {
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + 4 * i, true);
    return values;
  }
  const { scale, min } = quantization;
  if (quantization.dtype === 'uint8') {
    for (let i = 0; i < count; i++) values[i] = view.getUint8(offset + i) * scale + min;
  } else {
    for (let i = 0; i < count; i++) values[i] = view.getUint16(offset + 2 * i, true) * scale + min;
  }
  return values;
}

function concatenate(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`The ${where} must be an object`);
  return value as Record<string, unknown>;
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new TfjsWeightsError(message, details);
}
