import { PvError, type PvErrorDetails } from '@pv/core';

/** What to tell someone whose machine cannot reach the registry. */
export const PREFETCH_HINT =
  'Fetch the models once on a machine with registry access (`pnpm pv models fetch`) and point PV_MODELS_DIR at ' +
  'that cache directory, or copy it to the default cache location.';

/** A model file is not in the cache and cannot be downloaded (offline, registry error, unknown version). */
export class ModelUnavailableError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}, options?: { cause?: unknown }) {
    super('E_MODEL_UNAVAILABLE', `${message}. ${PREFETCH_HINT}`, details, options);
  }
}

/** Downloaded or cached bytes do not match the catalog's hashes or size. Nothing unverified is kept. */
export class ModelIntegrityError extends PvError {
  constructor(message: string, details: PvErrorDetails = {}) {
    super('E_MODEL_INTEGRITY', message, details);
  }
}
