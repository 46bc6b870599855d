import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePixels, parsePort, parsePositiveInteger, parseScore } from './cli-options.js';

describe('option parsers', () => {
  it.each([
    ['1', 1],
    ['16', 16],
    [' 3 ', 3],
  ])('parsePositiveInteger(%j) = %d', (text, value) => {
    expect(parsePositiveInteger(text)).toBe(value);
  });

  it.each(['0', '-2', '1.5', 'two', '', '1e3', '99999999999999999999'])('parsePositiveInteger refuses %j', (text) => {
    expect(() => parsePositiveInteger(text)).toThrow(InvalidArgumentError);
  });

  it.each([
    ['0', 0],
    ['8080', 8080],
    ['65535', 65535],
  ])('parsePort(%j) = %d', (text, value) => {
    expect(parsePort(text)).toBe(value);
  });

  it.each(['-1', '65536', 'http', '80.5', ''])('parsePort refuses %j', (text) => {
    expect(() => parsePort(text)).toThrow(InvalidArgumentError);
  });

  it('parsePixels and parseScore take sizes ≥ 0 and scores 0..1', () => {
    expect([parsePixels('40'), parsePixels('0'), parsePixels('12.5')]).toEqual([40, 0, 12.5]);
    expect([parseScore('0'), parseScore('0.8'), parseScore('1')]).toEqual([0, 0.8, 1]);
    for (const bad of ['-1', 'big', '']) expect(() => parsePixels(bad)).toThrow(InvalidArgumentError);
    for (const bad of ['1.2', '-0.1', 'high', '']) expect(() => parseScore(bad)).toThrow(InvalidArgumentError);
  });
});
