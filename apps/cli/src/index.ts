export { createProgram, runCli, type CommandRunner } from './cli.js';
export { ExitCode, type ExitStatus } from './output.js';
export { parseStoreUri, openStore, DEFAULT_STORE_URI, type StoreLocation } from './store-uri.js';
