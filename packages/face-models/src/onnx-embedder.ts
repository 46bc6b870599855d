import { InvalidArgumentError, l2NormalizeInPlace, type Embedder, type EmbedderModelInfo, type RgbImage } from '@pv/core';
import { embedderModelInfo } from '@pv/models';
import { flipHorizontal, packTensor } from '@pv/vision';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { buildOrClose, type ModelRuntime, type OpenedModel } from './model-runtime.js';
import { SerialQueue } from './serial-queue.js';
import { outputValues, type TensorRunner } from './tensor-runner.js';

/** How {@link OnnxEmbedder} embeds. */
export interface OnnxEmbedderSettings {
  /**
   * Test-time augmentation: embed each face and its mirror image (each L2-normalised), average, renormalise.
   * Costs a second network run per face. The embeddings stay in the model's space (same model id).
   */
  readonly flipAugment?: boolean;
}

/** What {@link OnnxEmbedder.open} opens, and how it embeds. */
export interface OnnxEmbedderOpenSettings extends OnnxEmbedderSettings {
  /** Catalog id of an embedder (default `mobilefacenet`). */
  readonly model?: string;
}

/** A class that builds an {@link OnnxEmbedder} (or a subclass) over an opened embedder model. */
export type OnnxEmbedderClass<E extends OnnxEmbedder> = new (model: OpenedModel<'embedder'>, settings?: OnnxEmbedderSettings) => E;

/**
 * `@pv/core`'s {@link Embedder} over an ONNX face-embedding network. One runner; one input buffer, reused for
 * every face (the shipped graphs have their batch fixed at 1, and a batched graph measured no faster per
 * face on one CPU thread, so faces run one after another). Embeddings are L2-normalised.
 */
export class OnnxEmbedder implements Embedder {
  readonly model: EmbedderModelInfo;
  readonly #runner: TensorRunner;
  readonly #input: ImageInputSpec;
  readonly #outputName: string;
  readonly #buffer: Float32Array;
  readonly #flipAugment: boolean;
  readonly #queue = new SerialQueue();

  /**
   * Wraps an opened embedder model (usually {@link OnnxEmbedder.open} does this). Throws `E_MODEL_FORMAT`
   * unless it takes a fixed-size NCHW image.
   */
  constructor(model: OpenedModel<'embedder'>, settings: OnnxEmbedderSettings = {}) {
    this.#runner = model.runner;
    this.model = embedderModelInfo(model.entry);
    this.#input = imageInputSpec(model.entry);
    this.#outputName = model.entry.outputs[0]?.name ?? 'output';
    this.#buffer = new Float32Array(this.#input.length);
    this.#flipAugment = settings.flipAugment === true;
  }

  /** Opens the embedder on `runtime` (the runner is closed again when the model does not suit). */
  static async open<E extends OnnxEmbedder>(this: OnnxEmbedderClass<E>, runtime: ModelRuntime, settings: OnnxEmbedderOpenSettings = {}): Promise<E> {
    const model = await runtime.open(settings.model ?? 'mobilefacenet', 'embedder');
    return buildOrClose(model, (opened) => new this(opened, settings));
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
    const { name, channels, width, height, normalization } = this.#input;
    packTensor(face, this.#buffer, 0, normalization);
    const outputs = await this.#runner.run({ [name]: { data: this.#buffer, dims: [1, channels, height, width] } });
    return Float32Array.from(outputValues(outputs, this.#outputName, this.model.id, this.model.dimension));
  }

  /** Frees the model; later calls fail. */
  close(): Promise<void> {
    return this.#runner.close();
  }
}
