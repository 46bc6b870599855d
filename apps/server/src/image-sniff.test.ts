import { describe, expect, test } from 'vitest';
import { sniffImageFormat } from './image-sniff.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((c) => c.charCodeAt(0)) : part)));

/** An ISO-BMFF `ftyp` box with a major brand and compatible brands. */
const ftyp = (major: string, ...compatible: string[]): Uint8Array => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible);
};

describe('sniffImageFormat', () => {
  test.each([
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a])],
    ['gif', bytes('GIF87a')],
    ['gif', bytes('GIF89a')],
    ['webp', bytes('RIFF', [1, 2, 3, 4], 'WEBPVP8 ')],
    ['avif', ftyp('avif', 'mif1')],
    ['avif', ftyp('avis')],
    ['avif', ftyp('mif1', 'miaf', 'avif')],
  ])('recognises %s', (format, input) => {
    expect(sniffImageFormat(input)).toBe(format);
  });

  test.each([
    ['empty input', new Uint8Array(0)],
    ['text', bytes('hello')],
    ['SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['HEIC', ftyp('heic', 'mif1')],
    ['TIFF', bytes('II*', [0])],
    ['BMP', bytes('BM')],
    ['a RIFF that is not WebP', bytes('RIFF', [1, 2, 3, 4], 'WAVE')],
    ['a cut-off PNG signature', bytes([0x89], 'PNG')],
    ['a JPEG marker without its third byte', bytes([0xff, 0xd8])],
    ['a brand past the end of its ftyp box', bytes([0, 0, 0, 16], 'ftyp', 'mif1', [0, 0, 0, 0], 'avif')],
  ])('refuses %s', (_name, input) => {
    expect(sniffImageFormat(input)).toBeUndefined();
  });
});
