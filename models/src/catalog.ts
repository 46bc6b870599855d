import { InvalidArgumentError, NotFoundError, type EmbedderModelInfo } from '@pv/core';
import { builtInModels } from './builtin.js';
import type { EmbedderModelEntry, ModelEntry } from './types.js';
import { parseModelEntry } from './validate.js';

/**
 * An in-memory set of model entries: the built-in ones, which cannot be replaced or removed, plus entries
 * registered at run time (for example user-imported weights with a `local` source). Pure: it never reads
 * or writes files; `@pv/model-fetch` persists registered entries.
 *
 * @example
 * ```ts
 * const catalog = new ModelCatalog();
 * catalog.register({ ...myEntry, source: { kind: 'local', file: 'facenet.onnx', sha256, size } });
 * catalog.get('facenet');
 * ```
 */
export class ModelCatalog {
  readonly #builtIn: ReadonlySet<string>;
  readonly #entries = new Map<string, ModelEntry>();

  /** Creates a catalog holding `builtIn` (pv's own models by default). */
  constructor(builtIn: readonly ModelEntry[] = builtInModels) {
    for (const entry of builtIn) this.#entries.set(entry.id, entry);
    this.#builtIn = new Set(this.#entries.keys());
  }

  /** The entry with this id; throws `E_NOT_FOUND` listing the known ids. */
  get(id: string): ModelEntry {
    const entry = this.#entries.get(id);
    if (!entry) {
      const known = [...this.#entries.keys()];
      throw new NotFoundError(`Unknown model "${id}"; known models: ${known.join(', ')}`, { id, known });
    }
    return entry;
  }

  /** The embedder entry with this id; `E_NOT_FOUND` when unknown, `E_INVALID_ARGUMENT` when not an embedder. */
  getEmbedder(id: string): EmbedderModelEntry {
    const entry = this.get(id);
    if (entry.task !== 'embedder') {
      throw new InvalidArgumentError(`Model "${id}" is a ${entry.task}, not an embedder`, { id, task: entry.task });
    }
    return entry;
  }

  /** Whether an entry with this id exists. */
  has(id: string): boolean {
    return this.#entries.has(id);
  }

  /** Whether this id is one of the built-in entries. */
  isBuiltIn(id: string): boolean {
    return this.#builtIn.has(id);
  }

  /** Every entry: built-in ones first in their order, then registered ones in registration order. */
  list(): ModelEntry[] {
    return [...this.#entries.values()];
  }

  /**
   * Adds (or, with `replace`, replaces) a run-time entry after validating it (see `parseModelEntry`).
   * Built-in ids are refused with `E_INVALID_ARGUMENT`, as is an existing id without `replace`.
   * Returns the validated copy that was stored.
   */
  register(entry: ModelEntry, options: { readonly replace?: boolean } = {}): ModelEntry {
    const parsed = parseModelEntry(entry);
    if (this.#builtIn.has(parsed.id)) {
      throw new InvalidArgumentError(`Model id "${parsed.id}" belongs to a built-in model`, { id: parsed.id });
    }
    if (this.#entries.has(parsed.id) && options.replace !== true) {
      throw new InvalidArgumentError(`Model "${parsed.id}" is already registered`, { id: parsed.id });
    }
    this.#entries.set(parsed.id, parsed);
    return parsed;
  }

  /** Removes a run-time entry; returns whether one was removed. Built-in ids are refused with `E_INVALID_ARGUMENT`. */
  unregister(id: string): boolean {
    if (this.#builtIn.has(id)) {
      throw new InvalidArgumentError(`Model "${id}" is built in and cannot be removed`, { id });
    }
    return this.#entries.delete(id);
  }

  /** The run-time entries only, in registration order (what `@pv/model-fetch` persists). */
  registered(): ModelEntry[] {
    return this.list().filter((e) => !this.#builtIn.has(e.id));
  }
}

/** The process-wide catalog used by {@link getModel}, {@link listModels} and `@pv/model-fetch` by default. */
export const defaultCatalog = new ModelCatalog();

/** The model with this id in {@link defaultCatalog}; throws `E_NOT_FOUND` listing the known ids. */
export function getModel(id: string): ModelEntry {
  return defaultCatalog.get(id);
}

/** The embedder with this id in {@link defaultCatalog} (`E_INVALID_ARGUMENT` when the id is not an embedder). */
export function getEmbedderModel(id: string): EmbedderModelEntry {
  return defaultCatalog.getEmbedder(id);
}

/** Every model in {@link defaultCatalog}. */
export function listModels(): ModelEntry[] {
  return defaultCatalog.list();
}

/** Registers a run-time entry in {@link defaultCatalog} (see {@link ModelCatalog.register}). */
export function registerModel(entry: ModelEntry, options: { readonly replace?: boolean } = {}): ModelEntry {
  return defaultCatalog.register(entry, options);
}

/** The {@link EmbedderModelInfo} an `Embedder` built on this entry reports. */
export function embedderModelInfo(entry: EmbedderModelEntry): EmbedderModelInfo {
  return {
    id: entry.id,
    dimension: entry.dimension,
    inputSize: { width: entry.alignment.width, height: entry.alignment.height },
    alignment: entry.alignment,
    thresholds: entry.thresholds,
  };
}
