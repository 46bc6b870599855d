import { PvError, type PvErrorDetails } from '@pv/core';

/**
 * tfjs weights the converter cannot use: a malformed manifest, an unsupported quantisation, weight files
 * that are missing or of the wrong length, or tensors that are not the network's. Code `E_MODEL_FORMAT`.
 */
export class TfjsWeightsError extends PvError {
  /** Creates the error; `details` should name the tensor or file at fault. */
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_MODEL_FORMAT', message, details);
  }
}
