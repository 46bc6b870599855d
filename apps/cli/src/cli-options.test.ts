import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePort, parsePositiveInteger } from './cli-options.js';

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
});
