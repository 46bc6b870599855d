import { describe, expect, it } from 'vitest';
import { resolveAuditSettings } from './audit.js';

describe('resolveAuditSettings', () => {
  it('is on beside the store by default', () => {
    expect(resolveAuditSettings({})).toEqual({ enabled: true, trail: undefined });
  });

  it('takes flag, then environment, then config file', () => {
    expect(resolveAuditSettings({ env: { PV_AUDIT: 'off' }, config: { audit: true } }).enabled).toBe(false);
    expect(resolveAuditSettings({ flags: { audit: true }, env: { PV_AUDIT: 'off' } }).enabled).toBe(true);
    expect(resolveAuditSettings({ config: { audit: false } }).enabled).toBe(false);
    expect(resolveAuditSettings({ env: { PV_AUDIT: ' ' }, config: { audit: 'no' } }).enabled).toBe(false);
    expect(resolveAuditSettings({ env: { PV_AUDIT_TRAIL: 'a.jsonl' }, config: { auditTrail: 'b.jsonl' } }).trail).toBe('a.jsonl');
    expect(resolveAuditSettings({ flags: { auditTrail: 'c.jsonl' }, env: { PV_AUDIT_TRAIL: 'a.jsonl' } }).trail).toBe('c.jsonl');
    expect(resolveAuditSettings({ config: { auditTrail: 'b.jsonl' } }).trail).toBe('b.jsonl');
  });

  it('refuses a value that is neither on nor off, naming where it came from', () => {
    expect(() => resolveAuditSettings({ env: { PV_AUDIT: 'of' } })).toThrow(/PV_AUDIT must be on or off/u);
    expect(() => resolveAuditSettings({ config: { audit: 'maybe' }, configName: '/x/config.json' })).toThrow(/audit in \/x\/config.json/u);
  });
});
