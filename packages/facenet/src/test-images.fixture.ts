import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbImage } from '@pv/core';
import sharp from 'sharp';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** facenet-pytorch's own test data (../shared/data/facenet-pytorch beside the checkout). */
export const FACENET_DATA_DIR = path.resolve(repoRoot, '../shared/data/facenet-pytorch');

/** A 160x160 face crop made by facenet-pytorch's MTCNN, decoded to RGB (test-only). */
export async function alignedFace(person: string): Promise<RgbImage> {
  const file = path.join(FACENET_DATA_DIR, 'test_images_aligned', person, '1.png');
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Images as one NCHW float32 batch of pixel values 0..255, the converted model's input. */
export function toPixelBatch(images: readonly RgbImage[]): Float32Array {
  const first = images[0] as RgbImage;
  const plane = first.width * first.height;
  const out = new Float32Array(images.length * 3 * plane);
  images.forEach((image, n) => {
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[(n * 3 + c) * plane + p] = image.data[p * 3 + c] as number;
  });
  return out;
}
