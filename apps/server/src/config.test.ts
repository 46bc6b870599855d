import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isPvError } from '@pv/core';
import { describe, expect, test } from 'vitest';
import { configFromEnv, defaultServerConfig, loadServerConfig, readConfigFile, resolveServerConfig } from './config.js';
import { tempDir } from './test-support.fixture.js';

describe('configFromEnv', () => {
  test('reads PV_* variables with their types', () => {
    expect(
      configFromEnv({
        PV_HOST: '0.0.0.0',
        PV_PORT: '9000',
        PV_STORE: 'sqlite:/data/faces.db',
        PV_API_KEYS: ' one-key-0123456789abcdef , two-key-0123456789abcdef ,',
        PV_CORS_ORIGINS: 'https://a.example',
        PV_TRUST_PROXY: 'yes',
        PV_PAGE: 'false',
        PV_THRESHOLD: '0.7',
        PV_UNRELATED: 'x',
        PV_WORKERS: '',
      }),
    ).toEqual({
      host: '0.0.0.0',
      port: 9000,
      store: 'sqlite:/data/faces.db',
      apiKeys: ['one-key-0123456789abcdef', 'two-key-0123456789abcdef'],
      corsOrigins: ['https://a.example'],
      trustProxy: true,
      page: false,
      threshold: 0.7,
    });
  });

  test('names the variable that is not a number or a boolean', () => {
    expect(() => configFromEnv({ PV_PORT: 'eighty' })).toThrow(/PV_PORT/);
    expect(() => configFromEnv({ PV_TRUST_PROXY: 'maybe' })).toThrow(/PV_TRUST_PROXY/);
  });
});

describe('resolveServerConfig', () => {
  test('fills in defaults; undefined settings keep them', () => {
    expect(resolveServerConfig({ port: 0, host: undefined })).toEqual({ ...defaultServerConfig(), port: 0 });
    expect(defaultServerConfig(1).workers).toBe(1);
    expect(defaultServerConfig(8).workers).toBe(2);
  });

  test.each([
    [{ port: 70000 }, /port/],
    [{ workers: 0 }, /workers/],
    [{ maxQueue: -1 }, /maxQueue/],
    [{ maxPixels: 1.5 }, /maxPixels/],
    [{ metric: 'dot' as 'cosine' }, /metric/],
    [{ threshold: Number.NaN }, /threshold/],
    [{ logLevel: 'loud' as 'info' }, /logLevel/],
    [{ apiKeys: ['short'] }, /API keys/],
    [{ apiKeys: ['has a space in it, sadly'] }, /API keys/],
    [{ apiKeys: ['scoped-key-0123456789:read+everything'] }, /Unknown API key scope "everything"/],
  ])('refuses %o', (input, message) => {
    let thrown: unknown;
    try {
      resolveServerConfig(input);
    } catch (error) {
      thrown = error;
    }
    expect(isPvError(thrown, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});

describe('configuration files', () => {
  test('PV_SERVER_CONFIG names a JSON file; PV_* variables override it', async () => {
    const { dir, remove } = await tempDir();
    try {
      const file = path.join(dir, 'server.json');
      await writeFile(file, JSON.stringify({ port: 9100, store: 'memory:', maxQueue: 4 }));
      expect(await loadServerConfig({ PV_SERVER_CONFIG: file, PV_PORT: '9200' })).toEqual({ port: 9200, store: 'memory:', maxQueue: 4 });
      await writeFile(file, JSON.stringify({ prot: 9100 }));
      await expect(readConfigFile(file)).rejects.toThrow(/unknown setting\(s\) prot/);
      await writeFile(file, '{ nope');
      await expect(readConfigFile(file)).rejects.toThrow(/not valid JSON/);
      await writeFile(file, '[1]');
      await expect(readConfigFile(file)).rejects.toThrow(/JSON object/);
      await expect(readConfigFile(path.join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    } finally {
      await remove();
    }
  });

  test('API keys with scopes are written the same way in PV_API_KEYS and in the file', async () => {
    const { dir, remove } = await tempDir();
    try {
      const file = path.join(dir, 'server.json');
      await writeFile(file, JSON.stringify({ apiKeys: ['file-key-0123456789abcdef:read+enroll-embedding'] }));
      const fromFile = resolveServerConfig(await loadServerConfig({ PV_SERVER_CONFIG: file }));
      expect(fromFile.apiKeys).toEqual(['file-key-0123456789abcdef:read+enroll-embedding']);
      const fromEnv = resolveServerConfig(configFromEnv({ PV_API_KEYS: 'env-key-0123456789abcdef:admin, plain-key-0123456789abcdef' }));
      expect(fromEnv.apiKeys).toEqual(['env-key-0123456789abcdef:admin', 'plain-key-0123456789abcdef']);
      await writeFile(file, JSON.stringify({ apiKeys: 'not-a-list-0123456789' }));
      expect(() => resolveServerConfig({ apiKeys: 'not-a-list-0123456789' as unknown as string[] })).toThrow(/list of strings/);
    } finally {
      await remove();
    }
  });

  test('without PV_SERVER_CONFIG only the variables count', async () => {
    expect(await loadServerConfig({ PV_MAX_QUEUE: '3' })).toEqual({ maxQueue: 3 });
  });
});

describe('requireLive and review', () => {
  test('PV_REQUIRE_LIVE and PV_REVIEW, and the same keys in the configuration file; defaults off', async () => {
    expect(configFromEnv({ PV_REQUIRE_LIVE: 'true', PV_REVIEW: 'strict' })).toEqual({ requireLive: true, review: 'strict' });
    expect(resolveServerConfig({})).toMatchObject({ requireLive: false, review: 'off' });
    expect(() => resolveServerConfig({ review: 'lenient' as never })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(() => configFromEnv({ PV_REQUIRE_LIVE: 'maybe' })).toThrow(/PV_REQUIRE_LIVE/);
    const { dir, remove } = await tempDir();
    try {
      const file = path.join(dir, 'server.json');
      await writeFile(file, JSON.stringify({ requireLive: true, review: 'standard' }));
      expect(await loadServerConfig({ PV_SERVER_CONFIG: file, PV_REVIEW: 'off' })).toEqual({ requireLive: true, review: 'off' });
    } finally {
      await remove();
    }
  });
});
