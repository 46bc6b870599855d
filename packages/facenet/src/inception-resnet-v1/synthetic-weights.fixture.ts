import { hashSeed, seededRandom } from '@pv/testkit';
import type { StateDict, Tensor } from '@pv/torch-checkpoint';
import type { CheckpointEntry } from '@pv/torch-checkpoint/testing';
import { inceptionResnetV1Layout } from './layout.js';

/** Deterministic floats uniform in [low, high) from a string seed. */
function uniform(count: number, seed: string, low: number, high: number): Float32Array {
  const random = seededRandom(hashSeed(seed));
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = low + random() * (high - low);
  return out;
}

/** Values for one key, by role: He-uniform weights and plausible batch-norm statistics. */
function valuesFor(key: string, shape: readonly number[], seed: number): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const name = `${seed}:${key}`;
  if (key.endsWith('weight') && shape.length >= 2) {
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = Math.sqrt(6 / fanIn);
    return uniform(count, name, -bound, bound);
  }
  if (key.endsWith('bn.weight') || key === 'last_bn.weight') return uniform(count, name, 0.8, 1.2);
  if (key.endsWith('running_var')) return uniform(count, name, 0.5, 1.5);
  return uniform(count, name, -0.1, 0.1); // biases, running means
}

/** Options of {@link syntheticInceptionResnetV1Entries}. */
export interface SyntheticWeightsOptions {
  /** Different seeds give different weights (default 1). */
  readonly seed?: number;
  /** Add a `logits` classifier with this many classes, as the official files have. */
  readonly logitsClasses?: number;
}

/**
 * A deterministic synthetic state dict in the exact facenet-pytorch `InceptionResnetV1` layout: every
 * key in `state_dict()` order with its shape, `num_batches_tracked` buffers included (test-only).
 */
export function syntheticInceptionResnetV1Entries(options: SyntheticWeightsOptions = {}): CheckpointEntry[] {
  const seed = options.seed ?? 1;
  const entries: CheckpointEntry[] = [];
  for (const spec of inceptionResnetV1Layout()) {
    if (spec.key.startsWith('logits.')) continue;
    const shape = spec.shape as readonly number[];
    if (spec.dtype === 'int64') entries.push({ key: spec.key, shape, data: new BigInt64Array([12345n]) });
    else entries.push({ key: spec.key, shape, data: valuesFor(spec.key, shape, seed) });
  }
  if (options.logitsClasses !== undefined) {
    const classes = options.logitsClasses;
    entries.push({ key: 'logits.weight', shape: [classes, 512], data: uniform(classes * 512, `${seed}:logits.weight`, -0.1, 0.1) });
    entries.push({ key: 'logits.bias', shape: [classes], data: uniform(classes, `${seed}:logits.bias`, -0.1, 0.1) });
  }
  return entries;
}

/** The entries as an in-memory state dict (what reading their checkpoint gives), without writing a file. */
export function toStateDict(entries: readonly CheckpointEntry[]): StateDict {
  return new Map(
    entries.map((entry): [string, Tensor] => [
      entry.key,
      entry.data instanceof Float32Array
        ? { pickleType: 'torch.Tensor', dtype: 'float32', shape: entry.shape, data: entry.data }
        : { pickleType: 'torch.Tensor', dtype: 'int64', shape: entry.shape, data: entry.data },
    ]),
  );
}
