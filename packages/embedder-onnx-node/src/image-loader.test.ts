import { execFileSync } from 'node:child_process';
import { statSync, symlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPvError, type RgbImage } from '@pv/core';
import { createImageLoader } from './image-loader.js';
import { sharedData } from './test-data.fixture.js';

const photo = path.join(sharedData, 'celeba-sample', '7206', '182757.jpg');

async function failureOf(promise: Promise<unknown>): Promise<{ code?: string; message: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isPvError(error)) return { code: error.code, message: error.message, details: error.details };
    return { message: String(error) };
  }
  throw new Error('expected a failure');
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 3;
  return [...image.data.subarray(o, o + 3)];
}

/** A PNG that claims `side`x`side` 1-bit pixels and really holds them, compressed to almost nothing. */
function decompressionBomb(side: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, gray, deflate, no filter, no interlace
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8))); // all zero: filter byte 0 + black pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('createImageLoader', () => {
  const loader = createImageLoader();
  let dir: string;
  let reference: RgbImage; // the shared photo, decoded once, as PNG-exact pixels
  const file = (name: string) => path.join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pv-image-loader-'));
    // A small lossless copy of a real photo: the reference every lossless format must reproduce exactly.
    const small = sharp(photo).resize(64, 96);
    await small.clone().png().toFile(file('photo.png'));
    reference = await loader.load(file('photo.png'));
    await sharp(file('photo.png')).jpeg({ quality: 95 }).toFile(file('photo.jpg'));
    await sharp(file('photo.png')).webp({ lossless: true }).toFile(file('photo.webp'));
    await sharp(file('photo.png')).tiff({ compression: 'lzw' }).toFile(file('photo.tiff'));
    await sharp(file('photo.png')).avif({ quality: 90 }).toFile(file('photo.avif'));
    await sharp(file('photo.png')).grayscale().png().toFile(file('gray.png'));
    await sharp(file('photo.png')).grayscale().jpeg().toFile(file('gray.jpg'));
    // RGBA: left half opaque photo, right half fully transparent.
    const { data } = await sharp(file('photo.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let y = 0; y < 96; y++) for (let x = 32; x < 64; x++) data[(y * 64 + x) * 4 + 3] = 0;
    await sharp(data, { raw: { width: 64, height: 96, channels: 4 } }).png().toFile(file('alpha.png'));
    // Two-frame GIF: the photo, then black.
    await sharp({ create: { width: 64, height: 96, channels: 3, background: '#000' } }).png().toFile(file('black.png'));
    await sharp([file('photo.png'), file('black.png')], { join: { animated: true } })
      .gif()
      .toFile(file('animated.gif'));
    // EXIF orientation 6 ("rotate 90° clockwise to display"): stored 64x96, shown 96x64.
    await sharp(file('photo.png')).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toFile(file('rotated.jpg'));
    const jpeg = await readFile(file('photo.jpg'));
    await writeFile(file('truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await writeFile(file('garbage.jpg'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
    await writeFile(file('notes.jpg'), 'this is not an image\n');
    await writeFile(file('bomb.png'), decompressionBomb(20_000));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes PNG, lossless WebP and TIFF to exactly the same RGB pixels', async () => {
    expect(reference.width).toBe(64);
    expect(reference.height).toBe(96);
    expect(reference.data.length).toBe(64 * 96 * 3);
    for (const name of ['photo.webp', 'photo.tiff']) expect((await loader.load(file(name))).data).toEqual(reference.data);
  });

  it('decodes lossy JPEG and AVIF close to the original', async () => {
    for (const name of ['photo.jpg', 'photo.avif']) {
      const image = await loader.load(file(name));
      expect([image.width, image.height]).toEqual([64, 96]);
      let error = 0;
      for (let i = 0; i < image.data.length; i++) error += Math.abs((image.data[i] as number) - (reference.data[i] as number));
      expect(error / image.data.length).toBeLessThan(6);
    }
  });

  it('decodes encoded bytes as well as paths', async () => {
    const bytes = new Uint8Array(await readFile(file('photo.png')));
    expect((await loader.load(bytes)).data).toEqual(reference.data);
  });

  it('turns grayscale into three equal channels', async () => {
    for (const name of ['gray.png', 'gray.jpg']) {
      const image = await loader.load(file(name));
      expect(image.data.length).toBe(64 * 96 * 3);
      for (let i = 0; i < image.data.length; i += 3) {
        expect(image.data[i + 1]).toBe(image.data[i]);
        expect(image.data[i + 2]).toBe(image.data[i]);
      }
    }
  });

  it('lays transparent pixels on white and keeps opaque ones', async () => {
    const image = await loader.load(file('alpha.png'));
    expect(pixel(image, 10, 50)).toEqual(pixel(reference, 10, 50));
    expect(pixel(image, 50, 50)).toEqual([255, 255, 255]);
  });

  it('reads the first frame of an animated GIF', async () => {
    const image = await loader.load(file('animated.gif'));
    expect([image.width, image.height]).toEqual([64, 96]);
    const mean = image.data.reduce((a, b) => a + b, 0) / image.data.length;
    expect(mean).toBeGreaterThan(20); // the photo, not the black second frame
  });

  it('applies the EXIF orientation', async () => {
    const image = await loader.load(file('rotated.jpg'));
    expect([image.width, image.height]).toEqual([96, 64]);
    // Rotating 90° clockwise brings the stored bottom-left corner to the top-left.
    const shown = pixel(image, 2, 2);
    const stored = pixel(reference, 2, 93);
    shown.forEach((v, c) => expect(Math.abs(v - (stored[c] as number))).toBeLessThan(24));
  });

  it.each(['truncated.jpg', 'garbage.jpg', 'notes.jpg', 'bomb.png'])('refuses %s with E_BAD_IMAGE naming the file', async (name) => {
    const failure = await failureOf(loader.load(file(name)));
    expect(failure.code).toBe('E_BAD_IMAGE');
    expect(failure.message).toContain(file(name));
    expect(failure.details).toMatchObject({ file: file(name) });
    // The bomb is refused from its header, before anything is decompressed.
    if (name === 'bomb.png') expect(failure.message).toMatch(/pixel limit/u);
  });

  it('refuses images beyond limitInputPixels', async () => {
    const strict = createImageLoader({ limitInputPixels: 64 * 96 - 1 });
    expect((await failureOf(strict.load(file('photo.png')))).code).toBe('E_BAD_IMAGE');
    expect((await createImageLoader({ limitInputPixels: 64 * 96 }).load(file('photo.png'))).width).toBe(64);
  });

  it('refuses undecodable bytes with E_BAD_IMAGE and a missing file with E_NOT_FOUND', async () => {
    expect((await failureOf(loader.load(new Uint8Array([1, 2, 3])))).code).toBe('E_BAD_IMAGE');
    const missing = await failureOf(loader.load(file('missing.jpg')));
    expect(missing.code).toBe('E_NOT_FOUND');
    expect(missing.message).toContain(file('missing.jpg'));
  });

  it('refuses a FIFO and a link to /dev/zero at once, before reading, with E_BAD_IMAGE', async () => {
    // Without the check, the FIFO (nobody writes to it) would hang and /dev/zero would be read without end.
    execFileSync('mkfifo', [file('pipe.jpg')]);
    symlinkSync('/dev/zero', file('zero.jpg'));
    for (const name of ['pipe.jpg', 'zero.jpg']) {
      const failure = await failureOf(loader.load(file(name)));
      expect(failure.code).toBe('E_BAD_IMAGE');
      expect(failure.details).toMatchObject({ file: file(name), reason: 'not-a-regular-file' });
    }
  });

  it('refuses a file over maxFileBytes before reading it, and skips it in directory scans', async () => {
    const { size } = statSync(file('photo.png'));
    const capped = createImageLoader({ maxFileBytes: size - 1 });
    const failure = await failureOf(capped.load(file('photo.png')));
    expect(failure.code).toBe('E_BAD_IMAGE');
    expect(failure.details).toMatchObject({ reason: 'too-large', bytes: size, maxBytes: size - 1 });
    expect((await createImageLoader({ maxFileBytes: size }).load(file('photo.png'))).width).toBe(64);
    expect((await capped.listImageFiles(dir)).map((e) => e.relativePath)).not.toContain('photo.png');
    const { skipped } = await capped.scanImageFiles(dir);
    expect(skipped.find((s) => s.relativePath === 'photo.png')?.reason).toBe('too-large');
    expect(() => createImageLoader({ maxFileBytes: 0 })).toThrow(/maxFileBytes/);
  });
});
