import { CheckpointFormatError } from './errors.js';
import { PickleDict, type PickleValue } from './pickle/values.js';
import { readCheckpoint } from './read-checkpoint.js';
import { isTensor, type Tensor } from './torch/tensor.js';

/** Parameter and buffer names (`conv1.weight`, …) to tensors, in the file's order. */
export type StateDict = ReadonlyMap<string, Tensor>;

/** Options of {@link readStateDict}. */
export interface ReadStateDictOptions {
  /**
   * Read the state dict stored under this key of a top-level dict (e.g. `state_dict` or `model` in
   * training checkpoints) instead of the top-level object itself.
   */
  readonly entry?: string;
}

/**
 * Turns a checkpoint's top-level object into a {@link StateDict}: a dict whose keys are strings and whose
 * values are tensors. Throws a `not-a-state-dict` {@link CheckpointFormatError} naming the first entry
 * that is not.
 */
export function toStateDict(root: PickleValue, options: ReadStateDictOptions = {}): StateDict {
  let value = root;
  if (options.entry !== undefined) {
    if (!(value instanceof PickleDict) || !value.has(options.entry)) {
      throw new CheckpointFormatError('not-a-state-dict', `The checkpoint has no top-level entry "${options.entry}"`, { entry: options.entry });
    }
    value = value.get(options.entry) as PickleValue;
  }
  if (!(value instanceof PickleDict)) {
    throw new CheckpointFormatError('not-a-state-dict', 'The checkpoint does not hold a dict of tensors');
  }
  const stateDict = new Map<string, Tensor>();
  for (const [key, tensor] of value) {
    if (typeof key !== 'string' || !isTensor(tensor)) {
      throw new CheckpointFormatError('not-a-state-dict', `State dict entry ${String(key)} is not a named tensor`, { key: String(key) });
    }
    stateDict.set(key, tensor);
  }
  return stateDict;
}

/** Reads a `torch.save`d state dict (either serialisation) from memory. See {@link readCheckpoint}. */
export function readStateDict(bytes: Uint8Array, options: ReadStateDictOptions = {}): StateDict {
  return toStateDict(readCheckpoint(bytes).root, options);
}
