import { InvalidArgumentError } from './errors.js';
import type { Store } from './store.js';

/** How to open a store, whatever its kind. Drivers ignore what does not apply to them. */
/**
 * Where an encrypted store's 256-bit key comes from: the bytes themselves, a key file (32 raw bytes, base64
 * or hex; owner-only), or an environment variable (base64 or hex). `@pv/store-crypto` loads it
 * (`StoreEncryption` there is this type).
 */
export type StoreKeySource = { readonly key: Uint8Array } | { readonly keyFile: string } | { readonly keyEnv: string };

export interface StoreOpenOptions {
  /** Open for reading only where the store supports it (no lock, no writes). */
  readonly readOnly?: boolean;
  /** The metric id an index-backed store (HNSW, pgvector) is built for when it is created (default `cosine`). */
  readonly metric?: string;
  /** Bind a new store to this model id; a store bound to another is `E_MODEL_MISMATCH`. */
  readonly modelId?: string;
  /** Bind a new store to this dimension; a store of another is `E_DIM_MISMATCH`. */
  readonly dimension?: number;
  /**
   * Encryption at rest, for the stores pv keeps on disk (file, sqlite, hnsw): a new store is created
   * encrypted with this key; an existing one must have been encrypted with it (`E_STORE_KEY` otherwise,
   * the store left untouched). Stores that keep nothing at rest (memory) ignore it; others refuse it.
   */
  readonly encryption?: StoreKeySource;
}

/**
 * Opens the stores of one kind from a URI. Each store package exports its driver; a registry (see
 * {@link StoreRegistry}) picks the driver by the URI's scheme (`sqlite:faces.db` → the `sqlite` driver).
 */
export interface StoreDriver {
  /** URI schemes this driver opens, without the colon (`file`; `postgres` and `postgresql`). */
  readonly schemes: readonly string[];
  /** How its URIs are written, for messages (`sqlite:PATH`). */
  readonly usage: string;
  /** File name endings (lower case, with the dot) that name this kind of store as a bare path (`.db`). */
  readonly extensions?: readonly string[];
  /** Opens (creating when missing, unless read-only) the store `uri` names; `uri` keeps its scheme. */
  open(uri: string, options: StoreOpenOptions): Promise<Store>;
  /**
   * Re-encrypts the (closed) store `uri` names from key `from` to key `to` (`undefined`: plain), for
   * drivers of stores that pv encrypts at rest.
   */
  rekey?(uri: string, from: StoreKeySource | undefined, to: StoreKeySource | undefined): Promise<void>;
}

/** A driver, or a function that loads it on first use (so unused store packages cost nothing). */
export type StoreDriverSource = StoreDriver | (() => Promise<StoreDriver>);

interface Entry {
  readonly schemes: readonly string[];
  readonly usage: string;
  readonly extensions: readonly string[];
  readonly load: () => Promise<StoreDriver>;
}

/**
 * One table of store drivers by URI scheme (the unstorage way): apps ask for `sqlite:faces.db` and get the
 * SQLite store. A bare path is opened by the driver that claims its ending (`.pv`, `.db`).
 */
export class StoreRegistry {
  readonly #entries: Entry[] = [];

  /**
   * Adds a driver. `described` gives its schemes, usage and endings up front when `driver` is a loader, so
   * the table can answer without loading it. A scheme registered again replaces the earlier driver.
   */
  register(driver: StoreDriver): this;
  register(driver: () => Promise<StoreDriver>, described: Pick<StoreDriver, 'schemes' | 'usage' | 'extensions'>): this;
  register(driver: StoreDriverSource, described?: Pick<StoreDriver, 'schemes' | 'usage' | 'extensions'>): this {
    const info = typeof driver === 'function' ? described : driver;
    if (!info || info.schemes.length === 0) throw new InvalidArgumentError('A store driver needs at least one scheme');
    for (const scheme of info.schemes) {
      if (!/^[a-z][a-z0-9+.-]*$/u.test(scheme) || scheme.length < 2) {
        throw new InvalidArgumentError(`"${scheme}" is not a URI scheme a store can use`, { scheme });
      }
    }
    let loaded: Promise<StoreDriver> | undefined;
    const load = typeof driver === 'function' ? () => (loaded ??= driver()) : () => Promise.resolve(driver);
    const taken = new Set(info.schemes);
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i]?.schemes.some((s) => taken.has(s))) this.#entries.splice(i, 1);
    }
    this.#entries.push({ schemes: [...info.schemes], usage: info.usage, extensions: [...(info.extensions ?? [])], load });
    return this;
  }

  /** How each registered kind of store is written (`file:PATH`, `sqlite:PATH`, …). */
  usages(): string[] {
    return this.#entries.map((e) => e.usage);
  }

  /** The scheme a URI names: its own, or the one whose driver claims a bare path's ending. */
  schemeOf(uri: string): string {
    const match = /^([a-z][a-z0-9+.-]+):/iu.exec(uri);
    if (match) {
      const scheme = (match[1] as string).toLowerCase();
      if (this.#entries.some((e) => e.schemes.includes(scheme))) return scheme;
    }
    const lower = uri.toLowerCase();
    const byEnding = this.#entries.find((e) => e.extensions.some((ext) => lower.endsWith(ext)));
    if (byEnding && !match) return byEnding.schemes[0] as string;
    throw new InvalidArgumentError(`Unknown store "${uri}". Use one of: ${this.usages().join(', ')}`, { uri, kinds: this.usages() });
  }

  /** Opens the store `uri` names with the driver of its scheme. */
  async open(uri: string, options: StoreOpenOptions = {}): Promise<Store> {
    const { driver, full } = await this.#driverOf(uri);
    return driver.open(full, options);
  }

  /**
   * Re-encrypts the store `uri` names from key `from` to key `to` (`undefined` on either side: plain) with
   * its driver's `rekey`. A kind of store pv does not encrypt is `E_INVALID_ARGUMENT`.
   */
  async rekey(uri: string, from: StoreKeySource | undefined, to: StoreKeySource | undefined): Promise<void> {
    const { driver, full, scheme } = await this.#driverOf(uri);
    if (!driver.rekey) throw new InvalidArgumentError(`${scheme}: stores are not encrypted by pv, so they cannot be rekeyed`, { uri });
    await driver.rekey(full, from, to);
  }

  async #driverOf(uri: string): Promise<{ driver: StoreDriver; full: string; scheme: string }> {
    const scheme = this.schemeOf(uri);
    const entry = this.#entries.find((e) => e.schemes.includes(scheme)) as Entry;
    const driver = await entry.load();
    const full = uri.toLowerCase().startsWith(`${scheme}:`) ? uri : `${scheme}:${uri}`;
    return { driver, full, scheme };
  }
}

/** The part of a `scheme:REST` URI after the scheme (`sqlite:a/b.db` → `a/b.db`; `file:///x` → `/x`). */
export function storeUriPath(uri: string, usage: string): string {
  const rest = uri.slice(uri.indexOf(':') + 1).replace(/^\/\/(?=\/)/u, '');
  if (rest.length === 0) throw new InvalidArgumentError(`"${uri}" names no path: write ${usage}`, { uri });
  return rest;
}
