export { FileStore, rekeyFileStore, type FileStoreOptions } from './file-store.js';
export { STORE_FORMAT_VERSION } from './format.js';
export { fileStoreDriver } from './driver.js';
export { lockFileOf, unlockStore, type LockHolder, type UnlockResult } from './writer-lock.js';
