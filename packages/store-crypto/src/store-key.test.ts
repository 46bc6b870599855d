import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectPvError } from '@pv/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreCipher, cipherFor, generateStoreKey, loadStoreKey } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  delete process.env.PV_TEST_STORE_KEY;
});

const expectKeyError = (fn: () => unknown): Promise<unknown> => expectPvError(Promise.resolve().then(fn), 'E_STORE_KEY');

describe('loadStoreKey', () => {
  it('reads base64 or hex from an environment variable', () => {
    const key = randomBytes(32);
    process.env.PV_TEST_STORE_KEY = key.toString('base64');
    expect(Buffer.from(loadStoreKey({ keyEnv: 'PV_TEST_STORE_KEY' }))).toEqual(key);
    process.env.PV_TEST_STORE_KEY = ` ${key.toString('hex')}\n`;
    expect(Buffer.from(loadStoreKey({ keyEnv: 'PV_TEST_STORE_KEY' }))).toEqual(key);
    expect(Buffer.from(generateStoreKey(), 'base64')).toHaveLength(32);
  });

  it('reads raw or text key files readable by their owner only', async () => {
    const key = randomBytes(32);
    const raw = path.join(dir, 'raw.key');
    await writeFile(raw, key, { mode: 0o600 });
    expect(Buffer.from(loadStoreKey({ keyFile: raw }))).toEqual(key);
    const text = path.join(dir, 'text.key');
    await writeFile(text, `${key.toString('base64')}\n`, { mode: 0o600 });
    expect(Buffer.from(loadStoreKey({ keyFile: text }))).toEqual(key);
    if (process.platform !== 'win32') {
      await chmod(text, 0o644);
      await expectKeyError(() => loadStoreKey({ keyFile: text }));
    }
  });

  it('refuses missing and malformed keys with E_STORE_KEY', async () => {
    await expectKeyError(() => loadStoreKey({ keyEnv: 'PV_TEST_STORE_KEY' }));
    process.env.PV_TEST_STORE_KEY = 'too-short';
    await expectKeyError(() => loadStoreKey({ keyEnv: 'PV_TEST_STORE_KEY' }));
    await expectKeyError(() => loadStoreKey({ keyFile: path.join(dir, 'missing.key') }));
    await expectKeyError(() => loadStoreKey({ key: new Uint8Array(16) }));
    expect(cipherFor(undefined)).toBeNull();
  });
});

describe('StoreCipher', () => {
  const a = new StoreCipher(randomBytes(32));
  const b = new StoreCipher(randomBytes(32));

  it('seals and opens values bound to their context, with a fresh nonce each time', () => {
    const plain = Buffer.from('alice');
    const sealed = a.seal(plain, 'rec-1');
    expect(sealed.includes(plain)).toBe(false);
    expect(a.open(sealed, 'rec-1')).toEqual(plain);
    expect(a.seal(plain, 'rec-1').equals(sealed)).toBe(false);
    expect(() => a.open(sealed, 'rec-2')).toThrow(expect.objectContaining({ code: 'E_STORE_CORRUPT' }));
    expect(() => b.open(sealed, 'rec-1')).toThrow(expect.objectContaining({ code: 'E_STORE_CORRUPT' }));
    const flipped = Buffer.from(sealed);
    flipped[14] = (flipped[14] as number) ^ 1;
    expect(() => a.open(flipped, 'rec-1')).toThrow(expect.objectContaining({ code: 'E_STORE_CORRUPT' }));
  });

  it('gives keyed tags: equal for equal text under one key, different under another', () => {
    expect(a.tag('alice')).toBe(a.tag('alice'));
    expect(a.tag('alice')).not.toBe(a.tag('bob'));
    expect(a.tag('alice')).not.toBe(b.tag('alice'));
    expect(a.tag('alice')).toMatch(/^[0-9a-f]{64}$/u);
  });

  it('checks the key by its key-check value', async () => {
    expect(() => a.assertKey(a.keyCheck, 'x')).not.toThrow();
    await expectKeyError(() => a.assertKey(b.keyCheck, 'x'));
  });
});
