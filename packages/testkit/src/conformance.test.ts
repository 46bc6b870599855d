import { MemoryStore } from '@pv/core';
import { cosine, createCosineMetric } from '@pv/metric-cosine';
import { createL2Metric, l2 } from '@pv/metric-l2';
import { FakeEmbedder } from './fakes/index.js';
import { describeEmbedder } from './describe-embedder.js';
import { describeMetric } from './describe-metric.js';
import { describeStore } from './describe-store.js';

describeStore('MemoryStore', () => ({ open: async (options) => new MemoryStore(options) }), { anyMetric: true });

describeMetric('l2', l2, { range: [0, Number.POSITIVE_INFINITY], triangleInequality: true });
describeMetric('createL2Metric()', createL2Metric(), { triangleInequality: true });
describeMetric('cosine', cosine, { range: [0, 2] });
describeMetric('cosine (normalized)', createCosineMetric({ normalized: true }), { inputs: 'unit', range: [0, 2] });

describeEmbedder('FakeEmbedder', () => new FakeEmbedder());
describeEmbedder('FakeEmbedder (512-d, 112x96)', () => new FakeEmbedder({ dimension: 512, inputSize: { width: 112, height: 96 } }));
