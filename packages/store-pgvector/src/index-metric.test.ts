import { MetricUnsupportedError, type Metric } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { expectPvError } from '@pv/testkit';
import { describe, expect, it } from 'vitest';
import { distanceOperator, indexMetricOf, operatorClass } from './index-metric.js';

describe('indexMetricOf', () => {
  it('maps the pv metrics pgvector ranks by to their operators', () => {
    expect(indexMetricOf(cosine)).toBe('cosine');
    expect(indexMetricOf(l2)).toBe('l2');
    expect([distanceOperator('cosine'), operatorClass('cosine')]).toEqual(['<=>', 'vector_cosine_ops']);
    expect([distanceOperator('l2'), operatorClass('l2')]).toEqual(['<->', 'vector_l2_ops']);
  });

  it('refuses any other metric with MetricUnsupportedError naming the supported ones', async () => {
    const manhattan: Metric = { ...l2, id: 'manhattan' };
    const error = await expectPvError(() => indexMetricOf(manhattan), 'E_METRIC_UNSUPPORTED');
    expect(error).toBeInstanceOf(MetricUnsupportedError);
    expect((error as MetricUnsupportedError).details).toEqual({ metric: 'manhattan', supported: ['cosine', 'l2'] });
  });
});
