import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The outcome of checking a request's credentials. */
export type KeyCheck =
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid' }
  /** `keyId` names the key without revealing it (its position in the configured list). */
  | { readonly kind: 'valid'; readonly keyId: string };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The configured API keys. Checks compare SHA-256 digests with `timingSafeEqual` against **every** key
 * (no early exit), so neither a key's content nor its length nor its position leaks through timing.
 */
export class ApiKeyRing {
  readonly #digests: readonly Buffer[];

  constructor(keys: readonly string[]) {
    this.#digests = keys.map(digest);
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
    return match < 0 ? { kind: 'invalid' } : { kind: 'valid', keyId: `key-${match + 1}` };
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
