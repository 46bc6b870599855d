import { describe, expect, test } from 'vitest';
import { ApiKeyRing, DEFAULT_SCOPES, generateApiKey, parseKeySpec, presentedKey } from './api-keys.js';

describe('ApiKeyRing', () => {
  const ring = new ApiKeyRing(['first-key-0123456789', 'second-key-0123456789']);

  test('tells missing, invalid and valid keys apart, naming valid ones by position only', () => {
    expect(ring.check(undefined)).toEqual({ kind: 'missing' });
    expect(ring.check('')).toEqual({ kind: 'missing' });
    expect(ring.check('first-key-012345678')).toEqual({ kind: 'invalid' });
    expect(ring.check('first-key-01234567890')).toEqual({ kind: 'invalid' });
    expect(ring.check('FIRST-KEY-0123456789')).toEqual({ kind: 'invalid' });
    expect(ring.check('first-key-0123456789')).toMatchObject({ kind: 'valid', keyId: 'key-1' });
    expect(ring.check('second-key-0123456789')).toMatchObject({ kind: 'valid', keyId: 'key-2' });
    expect(ring.size).toBe(2);
  });

  test('an empty ring accepts nothing', () => {
    expect(new ApiKeyRing([]).check('anything-at-all-123')).toEqual({ kind: 'invalid' });
  });
});

describe('key scopes', () => {
  test('a plain key gets the default scopes, which never include enroll-embedding', () => {
    expect([...parseKeySpec('plain-key-0123456789').scopes]).toEqual(['read', 'enroll-image', 'admin']);
    expect(DEFAULT_SCOPES).not.toContain('enroll-embedding');
  });

  test('key:scope+scope grants exactly those scopes, and the ring reports them for the key presented', () => {
    const scoped = new ApiKeyRing(['reader-key-0123456789:read', 'planter-key-0123456789:read+enroll-embedding']);
    const reader = scoped.check('reader-key-0123456789');
    const planter = scoped.check('planter-key-0123456789');
    expect(reader.kind === 'valid' && [...reader.scopes]).toEqual(['read']);
    expect(planter.kind === 'valid' && [...planter.scopes]).toEqual(['read', 'enroll-embedding']);
    // The scope suffix is not part of the key.
    expect(scoped.check('reader-key-0123456789:read')).toEqual({ kind: 'invalid' });
  });

  test('unknown or empty scopes, short keys and keys with spaces are refused', () => {
    expect(() => parseKeySpec('some-key-0123456789:read+write')).toThrow(/Unknown API key scope "write"/);
    expect(() => parseKeySpec('some-key-0123456789:')).toThrow(/Unknown API key scope ""/);
    expect(() => parseKeySpec('short:read')).toThrow(/at least 16/);
    expect(() => parseKeySpec('has a space 0123456789')).toThrow(/at least 16/);
  });
});

describe('presentedKey', () => {
  test('reads a bearer token, else X-API-Key', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer   abc  ' })).toBe('abc');
    expect(presentedKey({ 'x-api-key': ' abc ' })).toBe('abc');
    expect(presentedKey({ authorization: 'Bearer abc', 'x-api-key': 'def' })).toBe('abc');
    expect(presentedKey({})).toBeUndefined();
  });

  test('another authorization scheme is presented as is (and so never matches a key)', () => {
    expect(presentedKey({ authorization: 'Basic dXNlcjpwYXNz' })).toBe('Basic dXNlcjpwYXNz');
  });
});

test('generated keys are long, URL-safe and different each time', () => {
  const a = generateApiKey();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(generateApiKey()).not.toBe(a);
});
