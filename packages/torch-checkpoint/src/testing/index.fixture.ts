/**
 * Test-only helpers (package export `@pv/torch-checkpoint/testing`, resolved from sources only; not built
 * or published): a minimal `torch.save` writer for both serialisations, and the pickle writer under it.
 */
export { writeCheckpoint, type CheckpointEntry, type StorageLayout, type WriteCheckpointOptions } from './write-checkpoint.fixture.js';
export { PickleWriter } from './pickle-writer.fixture.js';
