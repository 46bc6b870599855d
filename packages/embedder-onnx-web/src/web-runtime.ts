import { catalogEntry, ModelFormatError, OrtSessionRunner, verifySessionTensors, type ModelRuntime } from '@pv/face-models';
import { defaultCatalog, type ModelCatalog } from '@pv/models';
import * as ort from 'onnxruntime-web';
import { fetchVerifiedModel, modelUrl, type FetchFunction } from './model-download.js';
import { configureOrtWasm, type OrtWasmOptions } from './ort-wasm.js';

/** Where models come from in the browser, and how onnxruntime-web runs them. */
export interface OnnxWebRuntimeOptions {
  /**
   * The URL the app serves model files under, as `<modelBaseUrl>/<id>/<file name>` (the layout of the pv
   * models cache, e.g. `~/.cache/pv/models`, so that folder can be served as it is). Relative URLs are
   * resolved against the page.
   */
  readonly modelBaseUrl: string | URL;
  /** URLs of single models by catalog id, overriding `modelBaseUrl` for them. */
  readonly modelUrls?: Readonly<Record<string, string | URL>>;
  /** Where ids are looked up (default: `@pv/models`' `defaultCatalog`). */
  readonly catalog?: ModelCatalog;
  /** Downloads model files (default: the global `fetch`). */
  readonly fetch?: FetchFunction;
  /** onnxruntime-web's wasm settings (threads, where its `.wasm` is served). */
  readonly wasm?: OrtWasmOptions;
}

/**
 * `@pv/face-models`' {@link ModelRuntime} on onnxruntime-web's wasm backend: each model's file is fetched by
 * URL, its size and SHA-256 checked against the catalog (WebCrypto) before a session is created from the
 * bytes. Errors: `E_NOT_FOUND` / `E_INVALID_ARGUMENT` (id unknown or of another task), `E_MODEL_UNAVAILABLE`,
 * `E_MODEL_INTEGRITY`, `E_MODEL_FORMAT` (onnxruntime refuses the file or its tensor names differ).
 */
export function onnxWebRuntime(options: OnnxWebRuntimeOptions): ModelRuntime {
  return {
    async open(id, task) {
      const entry = catalogEntry(options.catalog ?? defaultCatalog, id, task);
      const url = String(options.modelUrls?.[id] ?? modelUrl(options.modelBaseUrl, entry));
      const bytes = await fetchVerifiedModel(url, entry, options.fetch);
      configureOrtWasm(options.wasm);
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
      } catch (error) {
        throw new ModelFormatError(`onnxruntime-web cannot load model "${id}" from ${url}`, { id, file: url }, { cause: error });
      }
      await verifySessionTensors(entry, session, url);
      return { entry, runner: new OrtSessionRunner(session, ort.Tensor, entry.id) };
    },
  };
}
