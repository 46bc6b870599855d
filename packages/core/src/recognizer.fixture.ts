// Test doubles for the FaceRecognizer tests. Excluded from the build (tsconfig.build.json); @pv/core cannot
// use @pv/testkit's fakes without a dependency cycle.
import type { FaceAligner, FaceDetector } from './detector.js';
import type { Embedder, EmbedderModelInfo } from './embedder.js';
import { BadImageError, NotFoundError } from './errors.js';
import { createRgbImage, type Box, type FaceDetection, type RgbImage } from './image.js';
import type { ImageFileEntry, ImageLoader } from './image-loader.js';
import type { Metric } from './metric.js';
import type { EmbeddingRecord, NewRecord } from './store.js';
import { MemoryStore } from './memory-store.js';

/** A face placed in a scripted photo: the embedding it yields, and optionally its box and score. */
export interface ScriptedFace {
  readonly vector: readonly number[];
  readonly box?: Box;
  readonly score?: number;
}

/**
 * A scripted world: `photo()` returns a new image whose faces (detections and the embedding each face
 * yields) are exactly those given. The detector, aligner and embedder read the script.
 */
export class ScriptedFaces {
  readonly #detections = new Map<RgbImage, FaceDetection[]>();
  readonly #vectorOfDetection = new Map<FaceDetection, Float32Array>();
  readonly #vectorOfCrop = new WeakMap<RgbImage, Float32Array>();
  /** Number of `detect` calls. */
  detectCalls = 0;
  /** Sizes of the batches the embedder received. */
  readonly embedBatches: number[] = [];
  readonly closed = { detector: false, embedder: false };

  readonly model: EmbedderModelInfo = {
    id: 'scripted',
    dimension: 3,
    inputSize: { width: 2, height: 2 },
    alignment: { kind: 'box-crop', width: 2, height: 2, margin: 0, square: false },
    thresholds: [{ metric: 'unit-cosine', value: 0.3 }],
  };

  /** A new photo showing `faces` (in detection order). */
  photo(...faces: ScriptedFace[]): RgbImage {
    const image = createRgbImage(8, 8);
    this.#detections.set(
      image,
      faces.map((face, i) => {
        const box = face.box ?? { x: i, y: i, width: 4, height: 4 };
        const corner = { x: box.x, y: box.y };
        const detection: FaceDetection = { box, score: face.score ?? 0.9, landmarks: [corner, corner, corner, corner, corner] };
        this.#vectorOfDetection.set(detection, unit(face.vector));
        return detection;
      }),
    );
    return image;
  }

  readonly detector: FaceDetector = {
    id: 'scripted',
    detect: async (image) => {
      this.detectCalls++;
      return [...(this.#detections.get(image) ?? [])];
    },
    close: async () => {
      this.closed.detector = true;
    },
  };

  readonly align: FaceAligner = (_image, detection, spec) => {
    const crop = createRgbImage(spec.width, spec.height);
    const vector = this.#vectorOfDetection.get(detection);
    if (!vector) throw new Error('align: unknown detection');
    this.#vectorOfCrop.set(crop, vector);
    return crop;
  };

  readonly embedder: Embedder = {
    model: this.model,
    embed: async (faces) => {
      this.embedBatches.push(faces.length);
      return faces.map((crop) => {
        const vector = this.#vectorOfCrop.get(crop);
        if (!vector) throw new Error('embed: crop was not made by the scripted aligner');
        return Float32Array.from(vector);
      });
    },
    close: async () => {
      this.closed.embedder = true;
    },
  };
}

/** `1 − a·b` for unit vectors: lower is closer. */
export const unitCosine: Metric = {
  id: 'unit-cosine',
  closer: 'lower',
  distance(a, b) {
    let dot = 0;
    for (let i = 0; i < a.length; i++) dot += (a[i] as number) * (b[i] as number);
    return 1 - dot;
  },
  distances(query, vectors, out) {
    const d = query.length;
    for (let row = 0; row * d < vectors.length; row++) out[row] = this.distance(query, vectors.subarray(row * d, row * d + d));
  },
};

/** The vector scaled to unit length. */
export function unit(vector: readonly number[]): Float32Array {
  const norm = Math.hypot(...vector);
  return Float32Array.from(vector, (x) => x / norm);
}

/** An image loader over a path → image table; `null` entries fail to decode, paths may have one subfolder. */
export class TableImageLoader implements ImageLoader {
  constructor(readonly files: Readonly<Record<string, RgbImage | null>>) {}

  async load(input: string | Uint8Array): Promise<RgbImage> {
    if (typeof input !== 'string') throw new BadImageError('bytes are not supported here');
    const file = this.files[input];
    if (file === undefined) throw new NotFoundError(`No such file: ${input}`);
    if (file === null) throw new BadImageError(`Cannot decode ${input}`, { file: input });
    return file;
  }

  async listImageFiles(directory: string): Promise<ImageFileEntry[]> {
    const prefix = `${directory}/`;
    const entries = Object.keys(this.files)
      .filter((path) => path.startsWith(prefix))
      .map((path) => ({ path, relativePath: path.slice(prefix.length) }));
    if (entries.length === 0) throw new NotFoundError(`No such directory: ${directory}`);
    return entries.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
  }
}

/** A MemoryStore that records the size of every `add` batch. */
export class CountingStore extends MemoryStore {
  readonly addBatches: number[] = [];

  override async add(records: readonly NewRecord[]): Promise<EmbeddingRecord[]> {
    this.addBatches.push(records.length);
    return super.add(records);
  }
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** Waits for `action` to fail and returns the error (or fails the test when it does not). */
export async function failureOf(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
