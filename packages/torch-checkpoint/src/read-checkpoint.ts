import { CheckpointFormatError } from './errors.js';
import { isLegacyCheckpoint, readLegacyCheckpoint } from './formats/legacy.js';
import { isZipCheckpoint, readZipCheckpoint } from './formats/zip.js';
import type { PickleValue } from './pickle/values.js';

/** The two `torch.save` serialisations: `legacy` (PyTorch < 1.6 default) and `zip` (PyTorch >= 1.6). */
export type CheckpointFormat = 'legacy' | 'zip';

/** A checkpoint's top-level object, with every tensor read into a {@link Tensor}. */
export interface Checkpoint {
  readonly format: CheckpointFormat;
  /** What `torch.load` would return, as plain values (see {@link PickleValue}). */
  readonly root: PickleValue;
}

/** Which serialisation `bytes` use, or `undefined` when they are neither. */
export function detectCheckpointFormat(bytes: Uint8Array): CheckpointFormat | undefined {
  if (isZipCheckpoint(bytes)) return 'zip';
  if (isLegacyCheckpoint(bytes)) return 'legacy';
  return undefined;
}

/**
 * Reads a `torch.save` file held in memory. Only what a state dict needs is understood (dicts, ordered
 * dicts, lists, tuples, numbers, strings, tensors of the {@link TensorDType}s); anything else is refused
 * with a {@link CheckpointFormatError} (code `E_MODEL_FORMAT`) and nothing from the file is executed.
 */
export function readCheckpoint(bytes: Uint8Array): Checkpoint {
  const format = detectCheckpointFormat(bytes);
  if (format === undefined) {
    throw new CheckpointFormatError('not-a-checkpoint', 'Not a PyTorch checkpoint: neither a zip archive nor the legacy torch.save header', {
      length: bytes.length,
    });
  }
  const root = format === 'zip' ? readZipCheckpoint(bytes) : readLegacyCheckpoint(bytes);
  return { format, root };
}
