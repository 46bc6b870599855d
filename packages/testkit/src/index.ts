export { describeStore, type DescribeStoreOptions } from './describe-store.js';
export type { StoreFixture, StoreFixtureFactory, StoreOpenOptions } from './store-fixture.js';
export { describeMetric, type DescribeMetricOptions } from './describe-metric.js';
export { describeEmbedder, type DescribeEmbedderOptions, type EmbedderFactory } from './describe-embedder.js';
export { expectPvError } from './expect-pv-error.js';
export { bruteForceSearch, recallOf, type ExpectedHit } from './store-search-checks.js';
export { hashSeed, randomUnitVector, randomVector, seededRandom, type RandomSource } from './random.js';
export { syntheticCrops } from './synthetic-crops.js';
export { FaceLikeVectors, fitFaceLikeModel, pairDistances, sampleFaceLike, type FaceLikeModel, type FaceLikeVectorsOptions, type LabelledVector } from './face-like-vectors.js';
