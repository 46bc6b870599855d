import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError, StoreCorruptError } from '@pv/core';
import { dataDirectory } from '@pv/settings/node';

/** The three CompreFace service types a key can be bound to. */
export const SERVICE_TYPES = ['recognition', 'detection', 'verification'] as const;

/** A CompreFace service type. */
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** A stored key, as listed: never the key itself, only its SHA-256 digest. */
export interface CompreFaceKeyInfo {
  /** Stable id of the key (also the id of its face collection, for recognition keys). */
  readonly id: string;
  readonly name: string;
  readonly service: ServiceType;
  /** ISO date of creation. */
  readonly createdAt: string;
  /** SHA-256 of the key (hex). */
  readonly hash: string;
  /** Subjects created explicitly (POST /subjects) that may have no face yet. */
  readonly subjects: readonly string[];
}

interface KeyFile {
  readonly version: 1;
  readonly keys: CompreFaceKeyInfo[];
}

/**
 * CompreFace's three well-known demo keys (its docker image ships them for its demo UI). Seeded only on
 * request (`pv keys seed-demo`): anyone who knows CompreFace knows them.
 */
export const DEMO_KEYS: Readonly<Record<ServiceType, string>> = {
  recognition: '00000000-0000-0000-0000-000000000002',
  detection: '00000000-0000-0000-0000-000000000003',
  verification: '00000000-0000-0000-0000-000000000004',
};

/** The default key file: `<pv data folder>/compreface-keys.json`. */
export function defaultKeyFile(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(dataDirectory(env), 'compreface-keys.json');
}

/** SHA-256 of a key, hex. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function isServiceType(value: unknown): value is ServiceType {
  return typeof value === 'string' && (SERVICE_TYPES as readonly string[]).includes(value);
}

/**
 * The CompreFace API keys, in a JSON file that the CLI (`pv keys …`) and the server share. Keys are UUIDs
 * stored as SHA-256 digests only. The server re-reads the file when it changed on disk, so keys created or
 * revoked while it runs take effect at the next request. Writes replace the file atomically (write, rename).
 */
export class CompreFaceKeyStore {
  readonly file: string;
  #keys: CompreFaceKeyInfo[] = [];
  #byHash = new Map<string, CompreFaceKeyInfo>();
  #mtimeMs = -1;

  constructor(file: string = defaultKeyFile()) {
    this.file = file;
  }

  /** Every key (digests, never keys). */
  list(): readonly CompreFaceKeyInfo[] {
    this.#refresh();
    return this.#keys;
  }

  /** The key a presented value is, or `undefined`. */
  lookup(presented: string): CompreFaceKeyInfo | undefined {
    this.#refresh();
    return this.#byHash.get(hashKey(presented));
  }

  /** Makes a new key bound to `service` and returns it with its record: the key is shown this once only. */
  create(service: ServiceType, name: string = service, key: string = randomUUID()): { key: string; info: CompreFaceKeyInfo } {
    if (!isServiceType(service)) throw new InvalidArgumentError(`The service must be one of ${SERVICE_TYPES.join(', ')}`, { service });
    this.#refresh();
    const hash = hashKey(key);
    if (this.#byHash.has(hash)) throw new InvalidArgumentError('That key exists already', { service });
    const info: CompreFaceKeyInfo = { id: randomUUID(), name, service, createdAt: new Date().toISOString(), hash, subjects: [] };
    this.#write([...this.#keys, info]);
    return { key, info };
  }

  /** Adds CompreFace's well-known demo keys that are not there yet; returns those added. */
  seedDemo(): { key: string; info: CompreFaceKeyInfo }[] {
    const added: { key: string; info: CompreFaceKeyInfo }[] = [];
    for (const service of SERVICE_TYPES) {
      const key = DEMO_KEYS[service];
      if (this.lookup(key) === undefined) added.push(this.create(service, `demo ${service}`, key));
    }
    return added;
  }

  /** Removes a key by its id (or a unique prefix of 8+ characters of it); `E_NOT_FOUND` when none matches. */
  revoke(idOrPrefix: string): CompreFaceKeyInfo {
    this.#refresh();
    const matches = this.#keys.filter((k) => k.id === idOrPrefix || (idOrPrefix.length >= 8 && k.id.startsWith(idOrPrefix)));
    const [only] = matches;
    if (!only || matches.length > 1) throw new NotFoundError(`No single key has id "${idOrPrefix}"`, { id: idOrPrefix });
    this.#write(this.#keys.filter((k) => k !== only));
    return only;
  }

  /** Replaces the explicitly created subjects of a recognition key's collection. */
  setSubjects(id: string, subjects: readonly string[]): void {
    this.#refresh();
    this.#write(this.#keys.map((k) => (k.id === id ? { ...k, subjects: [...new Set(subjects)] } : k)));
  }

  #refresh(): void {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      this.#set([], -1);
      return;
    }
    if (mtimeMs === this.#mtimeMs) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      throw new StoreCorruptError('The CompreFace key file is not valid JSON', { file: this.file });
    }
    const keys = (parsed as Partial<KeyFile>).keys;
    if (!Array.isArray(keys) || !keys.every((k: Partial<CompreFaceKeyInfo>) => typeof k.hash === 'string' && isServiceType(k.service))) {
      throw new StoreCorruptError('The CompreFace key file has no valid "keys" list', { file: this.file });
    }
    this.#set(keys.map((k: CompreFaceKeyInfo) => ({ ...k, subjects: Array.isArray(k.subjects) ? k.subjects : [] })), mtimeMs);
  }

  #set(keys: CompreFaceKeyInfo[], mtimeMs: number): void {
    this.#keys = keys;
    this.#byHash = new Map(keys.map((k) => [k.hash, k]));
    this.#mtimeMs = mtimeMs;
  }

  #write(keys: CompreFaceKeyInfo[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    const body: KeyFile = { version: 1, keys };
    writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
    this.#set(keys, statSync(this.file).mtimeMs);
  }
}
