import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '@pv/core';

/**
 * What a key may do under `/v1`: `read` (list subjects and faces, verify, identify), `enroll-image` (enroll
 * from an uploaded photo), `enroll-embedding` (enroll a raw embedding: a client could plant any vector, e.g.
 * a "master face", so it is never granted by default) and `admin` (delete subjects and faces).
 */
export type Scope = 'read' | 'enroll-image' | 'enroll-embedding' | 'admin';

/** Every scope, in documentation order. */
export const SCOPES: readonly Scope[] = ['read', 'enroll-image', 'enroll-embedding', 'admin'];

/** The scopes of a key configured without any (`key` rather than `key:scope+scope`): all but `enroll-embedding`. */
export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'enroll-image', 'admin'];

/** A configured key and what it may do. */
export interface KeySpec {
  readonly key: string;
  readonly scopes: ReadonlySet<Scope>;
}

/**
 * Reads a key as configured: `key` (the {@link DEFAULT_SCOPES}) or `key:scope+scope` (exactly those). A key
 * holds no `:` or whitespace and has at least 16 characters; an unknown scope is refused (`E_INVALID_ARGUMENT`),
 * so a typo never silently grants or withholds something.
 */
export function parseKeySpec(spec: string): KeySpec {
  const colon = spec.indexOf(':');
  const key = colon < 0 ? spec : spec.slice(0, colon);
  if (key.length < 16 || /[\s:]/u.test(key)) {
    throw new InvalidArgumentError('API keys must be at least 16 characters without spaces or ":"', { name: 'apiKeys' });
  }
  if (colon < 0) return { key, scopes: new Set(DEFAULT_SCOPES) };
  const names = spec.slice(colon + 1).split('+');
  const scopes = new Set<Scope>();
  for (const name of names) {
    if (!(SCOPES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`Unknown API key scope "${name}"; scopes are ${SCOPES.join(', ')}`, { name: 'apiKeys' });
    }
    scopes.add(name as Scope);
  }
  return { key, scopes };
}

/** The outcome of checking a request's credentials. */
export type KeyCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid' }
  /** `keyId` names the key without revealing it (its position in the configured list); `scopes`: what it may do. */
  | { readonly kind: 'valid'; readonly keyId: string; readonly scopes: ReadonlySet<Scope> };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The configured API keys. Checks compare SHA-256 digests with `timingSafeEqual` against **every** key
 * (no early exit), so neither a key's content nor its length nor its position leaks through timing.
 */
export class ApiKeyRing {
  readonly #digests: readonly Buffer[];
  readonly #scopes: readonly ReadonlySet<Scope>[];

  /** `specs`: keys as configured, `key` or `key:scope+scope` (see {@link parseKeySpec}). */
  constructor(specs: readonly string[]) {
    const parsed = specs.map(parseKeySpec);
    this.#digests = parsed.map((spec) => digest(spec.key));
    this.#scopes = parsed.map((spec) => spec.scopes);
  }

  /** How many keys are configured. */
  get size(): number {
    return this.#digests.length;
  }

  /** Checks a presented key (`undefined` or empty when the request carried none). */
  check(presented: string | undefined): KeyCheck {
    if (presented === undefined || presented.length === 0) return { kind: 'missing' };
    const candidate = digest(presented);
    let match = -1;
    this.#digests.forEach((known, index) => {
      if (timingSafeEqual(known, candidate) && match < 0) match = index;
    });
    return match < 0 ? { kind: 'invalid' } : { kind: 'valid', keyId: `key-${match + 1}`, scopes: this.#scopes[match] as ReadonlySet<Scope> };
  }
}

/** A new random API key: 32 bytes, base64url (43 characters). */
export function generateApiKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The key a request presents: `Authorization: Bearer <key>`, else `X-API-Key: <key>`. Returns `undefined`
 * when neither header is there.
 */
export function presentedKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    return match?.[1] ?? authorization;
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}
