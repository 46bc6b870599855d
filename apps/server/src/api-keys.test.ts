import { describe, expect, test } from 'vitest';
import { ApiKeyRing, generateApiKey, presentedKey } from './api-keys.js';

describe('ApiKeyRing', () => {
  const ring = new ApiKeyRing(['first-key-0123456789', 'second-key-0123456789']);

  test('tells missing, invalid and valid keys apart, naming valid ones by position only', () => {
    expect(ring.check(undefined)).toEqual({ kind: 'missing' });
    expect(ring.check('')).toEqual({ kind: 'missing' });
    expect(ring.check('first-key-012345678')).toEqual({ kind: 'invalid' });
    expect(ring.check('first-key-01234567890')).toEqual({ kind: 'invalid' });
    expect(ring.check('FIRST-KEY-0123456789')).toEqual({ kind: 'invalid' });
    expect(ring.check('first-key-0123456789')).toEqual({ kind: 'valid', keyId: 'key-1' });
    expect(ring.check('second-key-0123456789')).toEqual({ kind: 'valid', keyId: 'key-2' });
    expect(ring.size).toBe(2);
  });

  test('an empty ring accepts nothing', () => {
    expect(new ApiKeyRing([]).check('anything-at-all-123')).toEqual({ kind: 'invalid' });
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
