import type { AnalysisKind, FaceAnalyzer } from './analysis.js';
import type { FaceAligner, FaceDetector } from './detector.js';
import type { Embedder } from './embedder.js';
import { failureOf } from './error-data.js';
import { AbortedError, InvalidArgumentError } from './errors.js';
import {
  nameInput,
  type EncodedFace,
  type EncodeManyOptions,
  type EncodeOptions,
  type EncodeResult,
  type FaceEncoder,
  type FaceEncoderInfo,
  type FacePolicy,
  type NamedImageInput,
} from './face-encoder.js';
import { chooseFaces } from './face-policy.js';
import { isRgbImage, type RgbImage } from './image.js';
import type { ImageInput, ImageLoader } from './image-loader.js';

/** The parts a {@link LocalFaceEncoder} is assembled from. */
export interface LocalFaceEncoderOptions {
  readonly detector: FaceDetector;
  readonly embedder: Embedder;
  /** Cuts faces out as the embedder requires; pass `alignFace` from `@pv/vision`. */
  readonly align: FaceAligner;
  /** Reads paths and encoded bytes. Required for inputs other than decoded {@link RgbImage}s. */
  readonly images?: ImageLoader;
  /** Default face policy (default `largest`). */
  readonly facePolicy?: FacePolicy;
  /** Runs the analyses callers ask for with `analyses` (owned: closed with the encoder). */
  readonly analyzer?: FaceAnalyzer;
}

/**
 * A {@link FaceEncoder} that runs in the calling thread: any detector, any embedder, one aligner, one image
 * loader. Runtime-agnostic: Node and browsers assemble it from their own runtimes' parts. It owns its
 * detector and embedder: `close()` closes both.
 */
export class LocalFaceEncoder implements FaceEncoder {
  readonly info: FaceEncoderInfo;
  readonly detector: FaceDetector;
  readonly embedder: Embedder;
  readonly #align: FaceAligner;
  readonly #images: ImageLoader | undefined;
  readonly #facePolicy: FacePolicy;
  readonly #analyzer: FaceAnalyzer | undefined;

  constructor(options: LocalFaceEncoderOptions) {
    this.detector = options.detector;
    this.embedder = options.embedder;
    this.#align = options.align;
    this.#images = options.images;
    this.#facePolicy = options.facePolicy ?? 'largest';
    this.#analyzer = options.analyzer;
    this.info = { detector: options.detector.id, model: options.embedder.model, concurrency: 1, analyses: options.analyzer?.kinds ?? [] };
  }

  /** Decodes an input into pixels. */
  async loadImage(input: ImageInput): Promise<RgbImage> {
    if (isRgbImage(input)) return input;
    if (!this.#images) throw new InvalidArgumentError('An image loader is needed to read paths or encoded bytes');
    return this.#images.load(input);
  }

  async encode(input: ImageInput, options: EncodeOptions = {}): Promise<EncodedFace[]> {
    if (options.signal?.aborted) throw new AbortedError();
    const analyses = this.#checkAnalyses(options.analyses ?? []);
    const image = await this.loadImage(input);
    const detections = await this.detector.detect(image);
    const chosen = chooseFaces(detections, options.facePolicy ?? this.#facePolicy, typeof input === 'string' ? input : undefined);
    const alignment = this.embedder.model.alignment;
    const crops = chosen.map((d) => this.#align(image, d, alignment));
    const embeddings = await this.embedder.embed(crops);
    const crop = { width: alignment.width, height: alignment.height, alignment: alignment.kind };
    const faces = chosen.map((detection, i) => ({ detection, embedding: embeddings[i] as Float32Array, crop }));
    if (analyses.length === 0 || !this.#analyzer) return faces;
    const analyzer = this.#analyzer;
    return Promise.all(faces.map(async (face) => ({ ...face, analysis: await analyzer.analyze(image, face.detection, analyses) })));
  }

  #checkAnalyses(kinds: readonly AnalysisKind[]): readonly AnalysisKind[] {
    const missing = kinds.filter((k) => !this.info.analyses.includes(k));
    if (missing.length > 0) {
      throw new InvalidArgumentError(
        `This encoder cannot run the ${missing.join(', ')} analysis: open it with them (available: ${this.info.analyses.join(', ') || 'none'})`,
        { missing, available: [...this.info.analyses] },
      );
    }
    return kinds;
  }

  async *encodeMany(
    inputs: Iterable<NamedImageInput> | AsyncIterable<NamedImageInput>,
    options: EncodeManyOptions = {},
  ): AsyncIterable<EncodeResult> {
    const total = Array.isArray(inputs) ? inputs.length : undefined;
    const single: EncodeOptions = {
      ...(options.facePolicy !== undefined ? { facePolicy: options.facePolicy } : {}),
      ...(options.analyses !== undefined ? { analyses: options.analyses } : {}),
    };
    let index = 0;
    for await (const item of inputs) {
      if (options.signal?.aborted) return;
      const { input, name } = nameInput(item, index);
      let result: EncodeResult;
      try {
        result = { index, name, ok: true, faces: await this.encode(input, single) };
      } catch (error) {
        result = { index, name, ok: false, failure: failureOf(name, error) };
      }
      index++;
      options.onProgress?.({ done: index, total, name, ok: result.ok, ...(result.ok ? {} : { failure: result.failure }) });
      yield result;
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.detector.close(), this.embedder.close(), this.#analyzer?.close()]);
  }
}
