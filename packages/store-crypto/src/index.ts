export { KEY_BYTES, SEAL_OVERHEAD, StoreCipher } from './store-cipher.js';
export { DEFAULT_KEY_ENV, cipherFor, generateStoreKey, loadStoreKey, type StoreEncryption } from './store-key.js';
