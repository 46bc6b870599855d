export { FileStore, type FileStoreOptions } from './file-store.js';
export { STORE_FORMAT_VERSION } from './format.js';
export { lockFileOf } from './writer-lock.js';
export { fileStoreDriver } from './driver.js';
