import { confidenceScale, type ConfidenceCalibration } from '@pv/core';
import type { EmbedderModelEntry } from './types.js';

/**
 * The calibrated-confidence mapping of an embedder for `metric` (see `matchConfidence` in `@pv/core`): the
 * model's threshold maps to 0.5 and its 1e-4 false-accept threshold to 0.99. `undefined` when the catalog has
 * no threshold or no 1e-4 threshold for that metric (or the metric is a similarity, where higher is closer).
 */
export function confidenceCalibration(entry: EmbedderModelEntry, metric: string): ConfidenceCalibration | undefined {
  const threshold = entry.thresholds.find((t) => t.metric === metric)?.value;
  const strict = entry.farThresholds?.find((t) => t.metric === metric && t.far === 1e-4)?.value;
  if (threshold === undefined || strict === undefined || !(strict < threshold)) return undefined;
  return { threshold, scale: confidenceScale(threshold, strict) };
}
