import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { describeStore } from '@pv/testkit';
import type { HnswSpace } from './gallery-index.js';
import { HnswStore, type HnswStoreOptions } from './hnsw-store.js';

function fixture(space: HnswSpace, extra: HnswStoreOptions = {}) {
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pv-hnsw-'));
    return {
      open: (options?: { modelId?: string; dimension?: number }) => HnswStore.open(path.join(dir, 'store.db'), { ...options, space, ...extra }),
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  };
}

describeStore('HnswStore (cosine)', fixture('cosine'), {
  reopenable: true,
  exact: false,
  minRecall: 0.95,
  metrics: [cosine],
  unsupportedMetrics: [l2],
});

describeStore('HnswStore (l2)', fixture('l2'), {
  reopenable: true,
  exact: false,
  minRecall: 0.95,
  metrics: [l2],
  unsupportedMetrics: [cosine],
});

describeStore('HnswStore (l2, label searches through the graph, index saved every 7 changes)', fixture('l2', { exactLabelLimit: 0, saveEvery: 7 }), {
  reopenable: true,
  exact: false,
  minRecall: 0.95,
  metrics: [l2],
  unsupportedMetrics: [cosine],
});
