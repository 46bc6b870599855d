import { InvalidArgumentError, l2NormalizeInPlace, type Embedder, type EmbedderModelInfo, type RgbImage } from '@pv/core';
import { embedderModelInfo, type EmbedderModelEntry } from '@pv/models';
import { flipHorizontal, packTensor } from '@pv/vision';
import ort from 'onnxruntime-node';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { resolveModel, type ModelSourceOptions } from './model-files.js';
import { ModelFormatError, openSession, SerialQueue, type OnnxSessionOptions } from './session.js';

/** Options of {@link OnnxEmbedder.create}. */
export interface OnnxEmbedderOptions extends OnnxSessionOptions {
  /** Catalog id of an embedder (default `mobilefacenet`). */
  readonly model?: string;
  readonly models?: ModelSourceOptions;
  /**
   * Test-time augmentation: embed each face and its mirror image (each L2-normalised), average, renormalise.
   * Costs a second network run per face. The embeddings stay in the model's space (same model id).
   */
  readonly flipAugment?: boolean;
}

/**
 * `@pv/core`'s {@link Embedder} over an ONNX face-embedding network on onnxruntime-node. One session, created
 * once; one input buffer, reused for every face (the shipped graphs have their batch fixed at 1, and a
 * batched graph measured no faster per face on one CPU thread, so faces run one after another).
 * Embeddings are L2-normalised.
 */
export class OnnxEmbedder implements Embedder {
  readonly model: EmbedderModelInfo;
  readonly #session: ort.InferenceSession;
  readonly #input: ImageInputSpec;
  readonly #outputName: string;
  readonly #buffer: Float32Array;
  readonly #tensor: ort.Tensor;
  readonly #flipAugment: boolean;
  readonly #queue = new SerialQueue();

  private constructor(session: ort.InferenceSession, entry: EmbedderModelEntry, flipAugment: boolean) {
    this.#session = session;
    this.model = embedderModelInfo(entry);
    this.#input = imageInputSpec(entry);
    this.#outputName = entry.outputs[0]?.name ?? 'output';
    this.#buffer = new Float32Array(this.#input.length);
    this.#tensor = new ort.Tensor('float32', this.#buffer, [1, this.#input.channels, this.#input.height, this.#input.width]);
    this.#flipAugment = flipAugment;
  }

  /** Opens the model (fetching and verifying its file when needed). */
  static async create(options: OnnxEmbedderOptions = {}): Promise<OnnxEmbedder> {
    const { entry, file } = await resolveModel(options.model ?? 'mobilefacenet', 'embedder', options.models);
    return new OnnxEmbedder(await openSession(entry, file, options), entry, options.flipAugment === true);
  }

  /** One unit-length embedding per face, in order. Faces must be exactly `model.inputSize`. */
  async embed(faces: readonly RgbImage[]): Promise<Float32Array[]> {
    const { width, height } = this.model.inputSize;
    faces.forEach((face, index) => {
      if (face.width !== width || face.height !== height) {
        throw new InvalidArgumentError(`Face ${index} is ${face.width}x${face.height}; model "${this.model.id}" needs ${width}x${height}`, {
          index,
          expected: { width, height },
          actual: { width: face.width, height: face.height },
        });
      }
    });
    return this.#queue.run(async () => {
      const embeddings: Float32Array[] = [];
      for (const face of faces) {
        const embedding = l2NormalizeInPlace(await this.#run(face));
        if (this.#flipAugment) {
          const mirrored = l2NormalizeInPlace(await this.#run(flipHorizontal(face)));
          for (let i = 0; i < embedding.length; i++) embedding[i] = (embedding[i] as number) + (mirrored[i] as number);
          l2NormalizeInPlace(embedding);
        }
        embeddings.push(embedding);
      }
      return embeddings;
    });
  }

  async #run(face: RgbImage): Promise<Float32Array> {
    packTensor(face, this.#buffer, 0, this.#input.normalization);
    const outputs = await this.#session.run({ [this.#input.name]: this.#tensor });
    const raw = outputs[this.#outputName]?.data as Float32Array;
    if (raw.length !== this.model.dimension) {
      throw new ModelFormatError(`Model "${this.model.id}" returned ${raw.length} values, expected ${this.model.dimension}`, {
        id: this.model.id,
      });
    }
    return Float32Array.from(raw);
  }

  /** Frees the session; later calls fail. */
  async close(): Promise<void> {
    await this.#session.release();
  }
}
