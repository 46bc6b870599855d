import { MetricUnsupportedError, type Metric } from '@pv/core';

/** The metrics pgvector can index and rank by; the value is the `id` of the matching pv {@link Metric}. */
export type IndexMetric = 'cosine' | 'l2';

/** pgvector's distance operator and HNSW operator class for each metric. */
const SQL: Readonly<Record<IndexMetric, { readonly operator: string; readonly operatorClass: string }>> = {
  // `<=>` is 1 - cos(a, b); `<->` is the true (not squared) Euclidean distance.
  cosine: { operator: '<=>', operatorClass: 'vector_cosine_ops' },
  l2: { operator: '<->', operatorClass: 'vector_l2_ops' },
};

/** True when `value` names a metric pgvector can index. */
export function isIndexMetric(value: unknown): value is IndexMetric {
  return value === 'cosine' || value === 'l2';
}

/** pgvector's distance operator for `metric`. */
export function distanceOperator(metric: IndexMetric): string {
  return SQL[metric].operator;
}

/** The HNSW operator class for `metric`. */
export function operatorClass(metric: IndexMetric): string {
  return SQL[metric].operatorClass;
}

/**
 * The pgvector metric that ranks like the pv `metric` (matched by id), or `E_METRIC_UNSUPPORTED` for metrics
 * pgvector cannot rank by.
 */
export function indexMetricOf(metric: Metric): IndexMetric {
  if (isIndexMetric(metric.id)) return metric.id;
  throw new MetricUnsupportedError(metric.id, Object.keys(SQL));
}
