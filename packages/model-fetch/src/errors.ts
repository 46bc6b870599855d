import { ModelUnavailableError, type PvErrorDetails } from '@pv/core';

// The classes live in @pv/core (every runtime throws them); re-exported here for compatibility.
export { ModelIntegrityError, ModelUnavailableError } from '@pv/core';

/** What to tell someone whose machine cannot reach the registry. */
export const PREFETCH_HINT =
  'Fetch the models once on a machine with registry access (`pnpm pv models fetch`) and point PV_MODELS_DIR at ' +
  'that cache directory, or copy it to the default cache location.';

/** A {@link ModelUnavailableError} whose message ends with {@link PREFETCH_HINT}. */
export function modelUnavailable(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }): ModelUnavailableError {
  return new ModelUnavailableError(`${message}. ${PREFETCH_HINT}`, details, options);
}
