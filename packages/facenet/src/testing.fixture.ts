// Test helpers for other packages' tests (the `@pv/facenet/testing` export; never built or shipped).
export { syntheticInceptionResnetV1Entries, type SyntheticWeightsOptions } from './inception-resnet-v1/synthetic-weights.fixture.js';
