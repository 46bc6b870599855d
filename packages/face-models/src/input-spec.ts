import type { ModelEntry, ModelInput } from '@pv/models';
import type { TensorNormalization } from '@pv/vision';
import { ModelFormatError } from './errors.js';

/** What one NCHW image input of a model needs, read from its catalog entry. */
export interface ImageInputSpec {
  readonly name: string;
  readonly channels: number;
  readonly width: number;
  readonly height: number;
  /** Floats per image. */
  readonly length: number;
  readonly normalization: TensorNormalization;
}

/**
 * The first input of `entry` as an image input. Throws `E_MODEL_FORMAT` unless it is NCHW with a fixed
 * height and width and as many channels as its colour needs.
 */
export function imageInputSpec(entry: ModelEntry): ImageInputSpec {
  const input: ModelInput | undefined = entry.inputs[0];
  const [, channels, height, width] = input?.shape ?? [];
  const wanted = input?.colour === 'gray' ? 1 : 3;
  if (
    !input ||
    input.layout !== 'NCHW' ||
    input.shape.length !== 4 ||
    channels !== wanted ||
    height === undefined ||
    width === undefined ||
    height <= 0 ||
    width <= 0
  ) {
    throw new ModelFormatError(`Model "${entry.id}" does not take a fixed-size NCHW image`, { id: entry.id });
  }
  return {
    name: input.name,
    channels: wanted,
    width,
    height,
    length: wanted * width * height,
    normalization: { channels: input.colour, mean: input.normalisation.mean, std: input.normalisation.std },
  };
}
