import { isPvError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { parseStoreUri } from './store-uri.js';

describe('parseStoreUri', () => {
  it.each([
    ['file:pv-store.pv', { kind: 'file', path: 'pv-store.pv' }],
    ['file:/var/lib/pv/faces.pv', { kind: 'file', path: '/var/lib/pv/faces.pv' }],
    ['file:///var/lib/pv/faces.pv', { kind: 'file', path: '/var/lib/pv/faces.pv' }],
    ['sqlite:faces.db', { kind: 'sqlite', path: 'faces.db' }],
    ['hnsw:index-dir', { kind: 'hnsw', path: 'index-dir' }],
    ['faces.sqlite', { kind: 'sqlite', path: 'faces.sqlite' }],
    ['gallery.pv', { kind: 'file', path: 'gallery.pv' }],
    ['C:\\pv\\faces.db', { kind: 'sqlite', path: 'C:\\pv\\faces.db' }],
  ])('%s', (uri, expected) => {
    expect(parseStoreUri(uri)).toEqual(expected);
  });

  it('reads a postgres URL and its table parameter, leaving the connection string without it', () => {
    expect(parseStoreUri('postgres://pv:secret@db.local:5433/pv?table=faces&sslmode=require')).toEqual({
      kind: 'postgres',
      url: 'postgres://pv:secret@db.local:5433/pv?sslmode=require',
      table: 'faces',
    });
    expect(parseStoreUri('postgresql://localhost/pv')).toEqual({ kind: 'postgres', url: 'postgresql://localhost/pv', table: undefined });
  });

  it.each(['', 'file:', 'mysql://x/y', 'faces.txt', 'redis:x'])('refuses %j with E_INVALID_ARGUMENT listing the schemes', (uri) => {
    let error: unknown;
    try {
      parseStoreUri(uri);
    } catch (e) {
      error = e;
    }
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('file:PATH, sqlite:PATH, hnsw:DIR, postgres://');
  });
});
