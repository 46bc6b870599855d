import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { checkLabel, InvalidLabelError, isCanonicalLabel, MAX_LABEL_LENGTH, printableLabel } from './labels.js';

function ruleOf(label: unknown): string | undefined {
  try {
    checkLabel(label);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidLabelError);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidLabelError).details['rule'] as string;
  }
}

describe('checkLabel', () => {
  it('returns the canonical form: NFC, trimmed', () => {
    expect(checkLabel('  alice ')).toBe('alice');
    expect(checkLabel('Zoe\u0308')).toBe('Zo\u00EB');
    expect(checkLabel('Zo\u00EB')).toBe(checkLabel('Zoe\u0308'));
    expect(checkLabel('Aaron_Peirsol')).toBe('Aaron_Peirsol');
    expect(checkLabel('Jean-Luc Picard')).toBe('Jean-Luc Picard');
    expect(checkLabel('\u{1F600}')).toBe('\u{1F600}');
  });

  it('refuses each bad label with the rule it breaks', () => {
    expect(ruleOf(42)).toBe('type');
    expect(ruleOf('')).toBe('empty');
    expect(ruleOf(' \t ')).toBe('empty');
    expect(ruleOf('x'.repeat(MAX_LABEL_LENGTH + 1))).toBe('length');
    expect(ruleOf('a\u001b[31mred')).toBe('control');
    expect(ruleOf('line\nbreak')).toBe('control');
    expect(ruleOf('bob\u202Eevil')).toBe('control');
    expect(ruleOf('zero\u200Bwidth')).toBe('control');
    expect(ruleOf('../../etc/passwd')).toBe('separator');
    expect(ruleOf('a\\b')).toBe('separator');
    expect(ruleOf('..')).toBe('dots');
    expect(ruleOf('unknown')).toBe('reserved');
    expect(ruleOf(' Unknown ')).toBe('reserved');
  });

  it('counts length in code points, not UTF-16 units', () => {
    expect(checkLabel('\u{1F600}'.repeat(MAX_LABEL_LENGTH))).toHaveLength(MAX_LABEL_LENGTH * 2);
    expect(ruleOf('\u{1F600}'.repeat(MAX_LABEL_LENGTH + 1))).toBe('length');
  });

  it('tells canonical labels apart and prints old bad labels safely', () => {
    expect(isCanonicalLabel('alice')).toBe(true);
    expect(isCanonicalLabel(' alice')).toBe(false);
    expect(isCanonicalLabel('unknown')).toBe(false);
    expect(printableLabel('a\u001b[2Jb')).toBe('a\\u{1b}[2Jb');
    expect(printableLabel('alice')).toBe('alice');
  });
});
