import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FaceDetection, RgbImage } from '@pv/core';
import { createImageLoader, Rfb320Detector } from '@pv/embedder-onnx-node';
import { getEmbedderModel } from '@pv/models';
import { alignFace } from '@pv/vision';

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const sharedData = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)), '../shared/data');

/** The LFW fold-1 copy (grayscale 250x250 photos). */
export const lfwFold1 = path.join(sharedData, 'lfw-fold1');

/** An LFW fold-1 photo by person and number. */
export function lfwImage(name: string, index: number): string {
  return path.join(lfwFold1, 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/** The first photo of each of the first `count` CelebA identities (colour, whole scenes), sorted by path. */
export async function celebaPhotos(count: number): Promise<string[]> {
  const root = path.join(sharedData, 'celeba-sample');
  const people = (await readdir(root)).sort().slice(0, count);
  return Promise.all(people.map(async (person) => path.join(root, person, ((await readdir(path.join(root, person))).sort()[0]) as string)));
}

/** A face cut out of a photo as `dlib-resnet` needs it, and where it came from. */
export interface AlignedFace {
  readonly file: string;
  readonly crop: RgbImage;
  readonly detection: FaceDetection;
}

/**
 * The largest face of each photo, found by pv's default detector (RFB-320 + 68-point landmarks) and aligned
 * with the `dlib-resnet` catalog alignment (150x150 dlib chip). Throws when a photo shows no face.
 */
export async function alignedFaces(files: readonly string[]): Promise<AlignedFace[]> {
  const spec = getEmbedderModel('dlib-resnet').alignment;
  const detector = await Rfb320Detector.create();
  const images = createImageLoader();
  try {
    const faces: AlignedFace[] = [];
    for (const file of files) {
      const image = await images.load(file);
      const detections = await detector.detect(image);
      const largest = detections.reduce<FaceDetection | undefined>(
        (best, d) => (best === undefined || d.box.width * d.box.height > best.box.width * best.box.height ? d : best),
        undefined,
      );
      if (!largest) throw new Error(`No face in ${file}`);
      faces.push({ file, crop: alignFace(image, largest, spec), detection: largest });
    }
    return faces;
  } finally {
    await detector.close();
  }
}
