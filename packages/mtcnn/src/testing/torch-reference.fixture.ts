import { readFileSync } from 'node:fs';
import type { MtcnnNetworkName, MtcnnOutputName } from '../networks/architecture.js';

/** One face as the PyTorch reference found it: corners, score and five (x, y) landmarks. */
export interface ReferenceFace {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly landmarks: readonly (readonly [number, number])[];
}

/** What scripts/make-torch-reference.py wrote (see its docstring). */
export interface TorchReference {
  readonly torch: string;
  readonly networks: Record<
    MtcnnNetworkName,
    {
      readonly seed: number;
      readonly shape: readonly number[];
      readonly outputs: Partial<Record<MtcnnOutputName, { readonly shape: readonly number[]; readonly data: readonly number[] }>>;
    }
  >;
  readonly images: Record<
    string,
    { readonly file: string; readonly resize: readonly [number, number] | null; readonly checksum: number; readonly faces: readonly ReferenceFace[] }
  >;
}

/** The committed PyTorch reference (test-data/torch-reference.json). */
export const torchReference = JSON.parse(readFileSync(new URL('../../test-data/torch-reference.json', import.meta.url), 'utf8')) as TorchReference;

/** The reference script's input: x ← (1103515245 x + 12345) mod 2³¹, scaled to [−1, 1), as float32. */
export function lcgInput(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = Number((1103515245n * BigInt(x) + 12345n) % 2147483648n);
    out[i] = (x / 2147483648) * 2 - 1;
  }
  return out;
}
