export { Int8Scan, type ScanKind } from './int8-scan.js';
export { int8ScanAccelerator, scanKindOf, searchWithScan, type ScanHit } from './exact-search.js';
export { wasmSimdSupported } from './wasm-kernel.js';
