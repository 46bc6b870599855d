import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsCacheDir } from './cache-dir.js';

describe('modelsCacheDir', () => {
  it('prefers PV_MODELS_DIR, resolved to an absolute path', () => {
    expect(modelsCacheDir({ PV_MODELS_DIR: '/srv/models', XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe(resolve('/srv/models'));
    expect(modelsCacheDir({ PV_MODELS_DIR: 'rel/models' }, '/home/u')).toBe(resolve('rel/models'));
  });

  it('then $XDG_CACHE_HOME/pv/models when it is absolute', () => {
    expect(modelsCacheDir({ XDG_CACHE_HOME: '/xdg' }, '/home/u')).toBe(join('/xdg', 'pv', 'models'));
    expect(modelsCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u')).toBe(join('/home/u', '.cache', 'pv', 'models'));
  });

  it('then ~/.cache/pv/models', () => {
    expect(modelsCacheDir({}, '/home/u')).toBe(join('/home/u', '.cache', 'pv', 'models'));
  });
});
