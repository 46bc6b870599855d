import * as ort from 'onnxruntime-web';
import { pageGlobals } from './page-globals.js';

/** How onnxruntime-web's wasm backend runs. Read once, when the first session is created. */
export interface OrtWasmOptions {
  /**
   * Where `ort-wasm-simd-threaded.mjs` and `.wasm` are served (a folder URL ending in `/`). Default: next to
   * the script that contains onnxruntime-web (for pv's browser bundle: next to `pv-web.js`).
   */
  readonly wasmPaths?: string;
  /**
   * Threads of the wasm backend. Default: 1, or up to 4 (half the cores) when the page is cross-origin
   * isolated (COOP `same-origin` + COEP `require-corp`), the only case in which browsers allow wasm threads.
   */
  readonly numThreads?: number;
}

/** The thread count {@link configureOrtWasm} uses when none is given. */
export function defaultWasmThreads(): number {
  if (pageGlobals.crossOriginIsolated !== true) return 1;
  const cores = pageGlobals.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, Math.ceil(cores / 2)));
}

/** Applies `options` to onnxruntime-web's global wasm settings (`ort.env.wasm`). */
export function configureOrtWasm(options: OrtWasmOptions = {}): void {
  ort.env.wasm.numThreads = options.numThreads ?? defaultWasmThreads();
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
}
