import { describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { getEmbedderModel, registerModel } from '@pv/models';
import { resolveSettings, type SettingsSources } from './resolve.js';
import { parseThreshold } from './threshold.js';

const base: SettingsSources = { defaultStore: 'file:/data/pv/faces.pv' };

function codeAndMessage(action: () => unknown): { code: string | undefined; message: string } {
  try {
    action();
  } catch (error) {
    return { code: isPvError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('parseThreshold', () => {
  it('accepts plain decimals inside the metric range', () => {
    expect(parseThreshold('0.72', 'cosine', '--threshold')).toBe(0.72);
    expect(parseThreshold(' .5 ', 'l2', 'PV_THRESHOLD')).toBe(0.5);
    expect(parseThreshold('1', 'cosine', '--threshold')).toBe(1);
    expect(parseThreshold(1.2, 'l2', 'config')).toBe(1.2);
  });

  it('refuses hex, exponents, signs, blanks and values where everyone or nobody matches, naming the source', () => {
    for (const value of ['0x10', '1e-1', '-0.5', '', 'NaN', 'Infinity', '0.5.1', '1,5']) {
      const { code, message } = codeAndMessage(() => parseThreshold(value, 'cosine', '--threshold'));
      expect(code).toBe('E_INVALID_ARGUMENT');
      expect(message).toContain('--threshold');
    }
    for (const value of ['100', '2', '0', 2.5, 0, Number.NaN]) {
      const { code, message } = codeAndMessage(() => parseThreshold(value, 'l2', 'PV_THRESHOLD'));
      expect(code).toBe('E_INVALID_ARGUMENT');
      expect(message).toMatch(/PV_THRESHOLD.*between 0 and 2|PV_THRESHOLD.*plain decimal/u);
    }
  });
});

describe('resolveSettings', () => {
  it('falls back to the catalog: model, its metric, its calibrated threshold, the default detector and store', () => {
    const s = resolveSettings(base);
    expect(s.model.id).toBe('mobilefacenet');
    expect(s.metric.id).toBe('cosine');
    expect(s.threshold).toBe(0.72);
    expect(s.thresholdStatus).toBe('calibrated');
    expect(s.detector).toBe('rfb320');
    expect(s.store).toBe('file:/data/pv/faces.pv');
    expect(s.from).toEqual({ model: 'default', detector: 'default', metric: 'catalog', threshold: 'catalog', store: 'default' });
  });

  it('takes flags over environment over config file', () => {
    const sources: SettingsSources = {
      ...base,
      config: { threshold: 0.6, store: 'sqlite:config.db', metric: 'l2' },
      env: { PV_THRESHOLD: '0.65', PV_STORE: 'sqlite:env.db' },
      flags: { threshold: '0.7' },
    };
    const s = resolveSettings(sources);
    expect([s.threshold, s.from.threshold, s.thresholdStatus]).toEqual([0.7, 'flag', 'chosen']);
    expect([s.store, s.from.store]).toEqual(['sqlite:env.db', 'environment']);
    expect([s.metric.id, s.from.metric]).toEqual(['l2', 'config']);
    expect(resolveSettings({ ...sources, flags: {} }).threshold).toBe(0.65);
    expect(resolveSettings({ ...sources, flags: {}, env: {} }).threshold).toBe(0.6);
  });

  it('uses the threshold of the chosen metric, and a calibration saved in the config file', () => {
    expect(resolveSettings({ ...base, flags: { metric: 'l2' } }).threshold).toBe(1.2);
    const s = resolveSettings({ ...base, config: { thresholds: { mobilefacenet: { cosine: 0.69 } } } });
    expect([s.threshold, s.thresholdStatus, s.from.threshold]).toEqual([0.69, 'calibrated', 'config']);
  });

  it('refuses PV_THRESHOLD=100 and a hex threshold, naming where they came from', () => {
    expect(codeAndMessage(() => resolveSettings({ ...base, env: { PV_THRESHOLD: '100' } })).message).toContain('PV_THRESHOLD');
    expect(codeAndMessage(() => resolveSettings({ ...base, flags: { threshold: '0x10' } })).message).toContain('--threshold');
    expect(codeAndMessage(() => resolveSettings({ ...base, config: { threshold: 7 }, configName: '/c.json' })).message).toContain('/c.json');
  });

  it('refuses an unknown metric or model', () => {
    expect(codeAndMessage(() => resolveSettings({ ...base, env: { PV_METRIC: 'manhattan' } })).message).toContain('PV_METRIC');
    expect(codeAndMessage(() => resolveSettings({ ...base, flags: { model: 'nope' } })).code).toBe('E_NOT_FOUND');
  });

  it('lets the model choose its detector, and a provisional threshold says so', () => {
    const mobile = getEmbedderModel('mobilefacenet');
    registerModel({ ...mobile, id: 'settings-test-facenet', detector: 'mtcnn', thresholdStatus: 'provisional' }, { replace: true });
    const s = resolveSettings({ ...base, flags: { model: 'settings-test-facenet' } });
    expect([s.detector, s.from.detector, s.thresholdStatus]).toEqual(['mtcnn', 'catalog', 'provisional']);
    expect(resolveSettings({ ...base, flags: { model: 'settings-test-facenet', detector: 'rfb320' } }).detector).toBe('rfb320');
  });
});

describe('resolveSettings: the store key', () => {
  it('is absent for a plain store, and comes from the flag, PV_STORE_KEY_FILE, PV_STORE_KEY, then the config file', () => {
    expect(resolveSettings(base).storeEncryption).toBeUndefined();
    const config = { storeKeyFile: '/etc/pv/config.key' };
    expect(resolveSettings({ ...base, config }).storeEncryption).toEqual({ keyFile: '/etc/pv/config.key' });
    expect(resolveSettings({ ...base, config, env: { PV_STORE_KEY: 'x'.repeat(44) } }).storeEncryption).toEqual({ keyEnv: 'PV_STORE_KEY' });
    expect(resolveSettings({ ...base, config, env: { PV_STORE_KEY_FILE: '/run/secrets/pv.key', PV_STORE_KEY: ' ' } }).storeEncryption).toEqual({ keyFile: '/run/secrets/pv.key' });
    expect(resolveSettings({ ...base, flags: { storeKeyFile: 'flag.key' }, env: { PV_STORE_KEY_FILE: '/run/secrets/pv.key' } }).storeEncryption).toEqual({ keyFile: 'flag.key' });
  });

  it('refuses PV_STORE_KEY_FILE and PV_STORE_KEY set together', () => {
    const { code, message } = codeAndMessage(() => resolveSettings({ ...base, env: { PV_STORE_KEY_FILE: 'a.key', PV_STORE_KEY: 'k' } }));
    expect(code).toBe('E_INVALID_ARGUMENT');
    expect(message).toContain('PV_STORE_KEY_FILE');
  });
});
