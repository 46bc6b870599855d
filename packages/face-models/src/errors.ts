/**
 * `ModelFormatError` (`E_MODEL_FORMAT`) is @pv/core's: a model file the runtime cannot load, or whose inputs
 * and outputs are not what the catalog says. Re-exported here so runtime packages import it from one place.
 */
export { ModelFormatError } from '@pv/core';
