import { ModelFormatError, type PvErrorDetails } from '@pv/core';

/**
 * Why a checkpoint could not be read:
 * - `truncated`: the file ends before a value, a pickle or a storage is complete;
 * - `not-a-checkpoint`: neither the legacy `torch.save` header nor a zip archive with a `data.pkl`;
 * - `unsupported-opcode`: a pickle opcode outside the restricted set (e.g. `INST`, `OBJ`, extension codes);
 * - `forbidden-global`: the pickle names a class or function that is not on the allow-list;
 * - `malformed`: the pickle or archive is structurally wrong (stack underflow, bad persistent id, bad strides…);
 * - `unsupported-dtype`: a storage type the reader does not decode (e.g. half precision);
 * - `big-endian`: the file was written on a big-endian machine;
 * - `not-a-state-dict`: the top-level object is not a mapping of names to tensors.
 */
export type CheckpointErrorReason =
  | 'truncated'
  | 'not-a-checkpoint'
  | 'unsupported-opcode'
  | 'forbidden-global'
  | 'malformed'
  | 'unsupported-dtype'
  | 'big-endian'
  | 'not-a-state-dict';

/**
 * A PyTorch checkpoint could not be read: a {@link ModelFormatError} of `@pv/core` (code `E_MODEL_FORMAT`)
 * whose {@link CheckpointFormatError.reason} (also in `details.reason`) says why.
 */
export class CheckpointFormatError extends ModelFormatError {
  /** Why the checkpoint was refused. */
  readonly reason: CheckpointErrorReason;

  constructor(reason: CheckpointErrorReason, message: string, details: PvErrorDetails = {}) {
    super(message, { reason, ...details });
    this.reason = reason;
  }
}

/**
 * The pickle names a global (class or function) that is not on the allow-list. Nothing from the file is
 * ever executed; the reader refuses instead. `details.module` and `details.name` name the global.
 */
export class ForbiddenPickleGlobalError extends CheckpointFormatError {
  constructor(module: string, name: string) {
    super('forbidden-global', `Refusing pickle global ${module}.${name}: only state-dict globals are allowed`, {
      module,
      name,
    });
  }
}
