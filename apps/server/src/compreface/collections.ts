import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Gallery, type Metric, type StoreKeySource } from '@pv/core';
import { dataDirectory } from '@pv/settings/node';
import { openStore } from '@pv/stores';
import type { ServedModelInfo } from '../context.js';

/**
 * One face collection per recognition key, each its own store and {@link Gallery} (so subjects of one key
 * are never seen through another). A server on `memory:` keeps collections in memory too; any other store
 * puts each collection in `<pv data folder>/compreface/<key id>.pv` (pv's file store).
 */
export class Collections {
  readonly #galleries = new Map<string, Promise<Gallery>>();
  readonly #inMemory: boolean;
  readonly #model: ServedModelInfo;
  readonly #metric: Metric;
  readonly #encryption: StoreKeySource | undefined;

  /** `encryption`: the server store's key, with which the collections' file stores are encrypted too. */
  constructor(options: { readonly serverStore: string; readonly model: ServedModelInfo; readonly metric: Metric; readonly encryption?: StoreKeySource }) {
    this.#inMemory = options.serverStore.startsWith('memory:');
    this.#model = options.model;
    this.#metric = options.metric;
    this.#encryption = options.encryption;
  }

  /** The store URI of a collection. */
  storeUri(collectionId: string): string {
    return this.#inMemory ? 'memory:' : `file:${path.join(dataDirectory(), 'compreface', `${collectionId}.pv`)}`;
  }

  /** The gallery of a collection, opened on first use. */
  gallery(collectionId: string): Promise<Gallery> {
    let gallery = this.#galleries.get(collectionId);
    if (!gallery) {
      const { id, dimension, threshold } = this.#model;
      const uri = this.storeUri(collectionId);
      gallery = (async () => {
        if (!this.#inMemory) await mkdir(path.join(dataDirectory(), 'compreface'), { recursive: true, mode: 0o700 });
        const store = await openStore(uri, { modelId: id, dimension, metric: this.#metric.id, ...(this.#encryption ? { encryption: this.#encryption } : {}) });
        return new Gallery({ store, metric: this.#metric, threshold, modelId: id });
      })();
      gallery.catch(() => this.#galleries.delete(collectionId));
      this.#galleries.set(collectionId, gallery);
    }
    return gallery;
  }

  /** Closes every opened collection store. */
  async close(): Promise<void> {
    const open = [...this.#galleries.values()];
    this.#galleries.clear();
    await Promise.allSettled(open.map(async (gallery) => (await gallery).store.close()));
  }
}
