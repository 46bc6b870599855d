export { startTsChild, type TsChild, type TsChildExit, type TsChildOptions } from './ts-child.js';
export { BATCH_MODEL_ID, batchKeyOf, batchRecords, committedBatches, writeBatches, type BatchSpec } from './store-batches.js';
export { describeErasure, filesHolding, footprintOf, type DescribeErasureOptions, type PersonFootprint } from './describe-erasure.js';
export { describeEncryption, type EncryptionFixture, type TestStoreKey } from './describe-encryption.js';
