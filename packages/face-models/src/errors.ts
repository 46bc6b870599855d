import { PvError, type PvErrorDetails } from '@pv/core';

/** A model file the runtime cannot load, or whose inputs and outputs are not what the catalog says. */
export class ModelFormatError extends PvError {
  /** Creates the error; `details` should name the model and file. */
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_FORMAT', message, details, options);
  }
}
