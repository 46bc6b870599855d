import { InvalidArgumentError, type Metric } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';

/** The metrics pv offers by name. */
export const METRIC_IDS = ['cosine', 'l2'] as const;

/** A metric pv offers by name. */
export type MetricId = (typeof METRIC_IDS)[number];

const METRICS: Readonly<Record<MetricId, Metric>> = { cosine, l2 };

/**
 * The distances a metric can give between two unit-length embeddings (every pv embedder normalises):
 * cosine distance `1 − cos` and Euclidean distance both lie in [0, 2]. A threshold outside the open range
 * would make every face match, or none.
 */
export const DISTANCE_RANGE: Readonly<Record<MetricId, { readonly min: number; readonly max: number }>> = {
  cosine: { min: 0, max: 2 },
  l2: { min: 0, max: 2 },
};

/** True when `id` names a metric pv offers. */
export function isMetricId(id: string): id is MetricId {
  return Object.hasOwn(METRICS, id);
}

/** The metric object for its id; `E_INVALID_ARGUMENT` naming the choices otherwise. */
export function metricById(id: string): Metric {
  if (!isMetricId(id)) {
    throw new InvalidArgumentError(`Unknown metric "${id}": use ${METRIC_IDS.join(' or ')}`, { metric: id, choices: [...METRIC_IDS] });
  }
  return METRICS[id];
}
