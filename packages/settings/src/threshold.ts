import { InvalidArgumentError } from '@pv/core';
import { DISTANCE_RANGE, type MetricId } from './metrics.js';

/** Plain decimal notation only: `0.72`, `.5`, `1`. No sign, hex, exponent, `NaN` or `Infinity`. */
const DECIMAL = /^(?:\d+(?:\.\d+)?|\.\d+)$/u;

/**
 * Reads a decision threshold as a person wrote it (flag, environment variable, config file) and checks it
 * against the metric's range. `where` names the source in the message (e.g. `--threshold`, `PV_THRESHOLD`).
 * Refuses `0x10` (which `Number()` reads as 16), `1e3`, `-0.5`, blanks, and any value outside the open range
 * of the metric's distances between unit embeddings, where everyone (or nobody) would match.
 */
export function parseThreshold(value: string | number, metric: MetricId, where: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else {
    const text = value.trim();
    if (!DECIMAL.test(text)) {
      throw new InvalidArgumentError(`${where}: "${value}" is not a threshold; write a plain decimal number such as 0.72`, {
        name: where,
        value,
      });
    }
    n = Number(text);
  }
  const { min, max } = DISTANCE_RANGE[metric];
  if (!Number.isFinite(n) || n <= min || n >= max) {
    throw new InvalidArgumentError(
      `${where}: ${String(value)} is outside the range of ${metric} distances between face embeddings; ` +
        `a threshold must lie strictly between ${min} and ${max} (at ${max} or more every face would match)`,
      { name: where, value, min, max, metric },
    );
  }
  return n;
}
