import type { Store } from '@pv/core';

/** What {@link StoreFixture.open} asks of the store it opens. */
export interface StoreOpenOptions {
  /** Bind the store to this model id up front (the store's own option for that). */
  readonly modelId?: string;
  /** Bind the store to this dimension up front. */
  readonly dimension?: number;
  /**
   * The suite will only read through this handle. Stores that distinguish readers from writers (a
   * shared lock, a read-only connection) should open a reader; others may ignore it.
   */
  readonly readOnly?: boolean;
}

/**
 * One fresh place to keep a store (an empty temporary directory, database or schema), created by a
 * {@link StoreFixtureFactory} for every test.
 */
export interface StoreFixture {
  /**
   * Opens a store on this fixture's place. For a reopenable (persistent) store every call returns a new
   * handle on the same data; an in-memory store just returns a new empty store.
   */
  open(options?: StoreOpenOptions): Promise<Store>;
  /** Removes the place (temporary files, tables). Called after every handle the suite opened is closed. */
  cleanup?(): Promise<void>;
}

/** Makes a new, empty {@link StoreFixture}; called once per test. */
export type StoreFixtureFactory = () => StoreFixture | Promise<StoreFixture>;
