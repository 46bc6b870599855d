import { describe, expect, it } from 'vitest';
import { isPvError } from './errors.js';
import { MemoryStore } from './memory-store.js';
import { StoreRegistry, storeUriPath, type StoreDriver, type StoreOpenOptions } from './store-driver.js';

function recording(schemes: string[], extensions: string[] = []): StoreDriver & { opened: [string, StoreOpenOptions][] } {
  const opened: [string, StoreOpenOptions][] = [];
  return {
    schemes,
    usage: `${schemes[0]}:PATH`,
    extensions,
    opened,
    open: async (uri, options) => {
      opened.push([uri, options]);
      return new MemoryStore();
    },
  };
}

describe('StoreRegistry', () => {
  it('opens by scheme, and bare paths by the driver that claims their ending', async () => {
    const file = recording(['file'], ['.pv']);
    const sqlite = recording(['sqlite'], ['.db', '.sqlite']);
    const registry = new StoreRegistry().register(file).register(sqlite);
    await registry.open('sqlite:faces.db', { metric: 'l2' });
    await registry.open('people/faces.DB');
    await registry.open('faces.pv', { readOnly: true });
    expect(sqlite.opened).toEqual([
      ['sqlite:faces.db', { metric: 'l2' }],
      ['sqlite:people/faces.DB', {}],
    ]);
    expect(file.opened).toEqual([['file:faces.pv', { readOnly: true }]]);
  });

  it('loads a lazily registered driver once, on first use', async () => {
    let loads = 0;
    const driver = recording(['hnsw']);
    const registry = new StoreRegistry().register(async () => {
      loads++;
      return driver;
    }, { schemes: ['hnsw'], usage: 'hnsw:DIR' });
    expect(registry.usages()).toEqual(['hnsw:DIR']);
    expect(loads).toBe(0);
    await registry.open('hnsw:a');
    await registry.open('hnsw:b');
    expect(loads).toBe(1);
  });

  it('refuses an unknown scheme or ending, listing what it knows', async () => {
    const registry = new StoreRegistry().register(recording(['file'], ['.pv']));
    for (const uri of ['redis://x', 'faces.txt', 'c:\\faces.db']) {
      const error = await registry.open(uri).catch((e: unknown) => e);
      expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain('file:PATH');
    }
  });

  it('lets a later driver replace a scheme, and refuses bad schemes', () => {
    const registry = new StoreRegistry().register(recording(['file'])).register(recording(['file', 'disk']));
    expect(registry.usages()).toEqual(['file:PATH']);
    expect(() => new StoreRegistry().register(recording(['c']))).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});

describe('storeUriPath', () => {
  it('takes what follows the scheme, and refuses an empty path', () => {
    expect(storeUriPath('sqlite:a/b.db', 'sqlite:PATH')).toBe('a/b.db');
    expect(storeUriPath('file:///tmp/x.pv', 'file:PATH')).toBe('/tmp/x.pv');
    expect(() => storeUriPath('file:', 'file:PATH')).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });
});
