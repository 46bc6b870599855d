import type { EmbedderModelEntry, OriginalWeights } from '@pv/models';
import { FACENET_INPUT_NAME, FACENET_OUTPUT_NAME } from './inception-resnet-v1/build-onnx.js';
import type { FacenetNormalization } from './inception-resnet-v1/normalization.js';
import type { FacenetVariant } from './variants.js';

/** A file with its SHA-256 (lowercase hex) and size in bytes. */
export interface HashedFile {
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

/** What the catalog says about the weights' terms of use. */
export const FACENET_LICENCE =
  'The weights were trained by David Sandberg (github.com/davidsandberg/facenet, MIT licence) and converted to ' +
  'PyTorch by facenet-pytorch (github.com/timesler/facenet-pytorch, MIT licence). The training sets (VGGFace2, ' +
  'CASIA-WebFace) were distributed for non-commercial research only; whether their terms bind models trained on ' +
  'them is unsettled: research use. pv does not ship these weights: they come from facenet-pytorch\'s GitHub release ' +
  'v2.2.9, fetched on request (`pv models fetch`) or imported from files the user obtained. Check before commercial use.';

const PREPARATION: Record<FacenetNormalization, string> = {
  fixed:
    'The face box from MTCNN (no margin) cropped and resized to 160x160 RGB; pixel values 0..255 go in as they are: ' +
    'the graph applies (x - 127.5) / 128.',
  prewhiten:
    'The face box from MTCNN (no margin) cropped and resized to 160x160 RGB; pixel values 0..255 go in as they are: ' +
    'the graph prewhitens each image ((x - mean) / max(std, 1/sqrt(76800)), unbiased std).',
};

/**
 * The catalog entry of an imported FaceNet model: a `local` source (the converted ONNX file relative to
 * the models cache directory, with its hash and size, and in `convertedFrom` the checkpoint it was
 * converted from), raw-pixel input (normalisation is inside the graph), FaceNet's box-crop alignment at
 * 160x160, and provisional thresholds. The description names the checkpoint, its SHA-256 and size too,
 * for people reading model lists.
 */
export function facenetCatalogEntry(
  variant: FacenetVariant,
  onnx: HashedFile,
  source: OriginalWeights,
  normalization: FacenetNormalization,
): EmbedderModelEntry {
  const accuracy = (variant.publishedLfwAccuracy * 100).toFixed(2);
  const origin = source.url === undefined ? source.file : source.url;
  return {
    id: variant.id,
    task: 'embedder',
    detector: 'mtcnn',
    description:
      `FaceNet Inception-ResNet-v1 ${variant.originalModel} trained on ${variant.trainingSet} (LFW ${accuracy}% as published ` +
      `by facenet-pytorch, not measured by pv), 160x160 RGB to 512 values; converted by @pv/facenet with ${normalization} ` +
      `input normalisation from ${origin} (sha256 ${source.sha256}, ${source.size} bytes).`,
    format: 'onnx',
    source: { kind: 'local', file: onnx.file, sha256: onnx.sha256, size: onnx.size, convertedFrom: source },
    inputs: [
      {
        name: FACENET_INPUT_NAME,
        shape: [-1, 3, 160, 160],
        layout: 'NCHW',
        colour: 'rgb',
        normalisation: { mean: [0, 0, 0], std: [1, 1, 1] },
        preparation: PREPARATION[normalization],
      },
    ],
    outputs: [{ name: FACENET_OUTPUT_NAME, shape: [-1, 512], meaning: 'The embedding, already L2-normalised.' }],
    licence: FACENET_LICENCE,
    dimension: 512,
    alignment: { kind: 'box-crop', width: 160, height: 160, margin: 0, square: false },
    recommendedMetric: 'cosine',
    // PROVISIONAL: FaceNet's usual LFW cut on unit vectors is an L2 distance near 1.1, i.e. cosine distance
    // 1.1^2 / 2 ≈ 0.6. The evaluation tooling replaces these with calibrated values.
    thresholds: [
      { metric: 'cosine', value: 0.6 },
      { metric: 'l2', value: 1.1 },
    ],
    thresholdStatus: 'provisional',
  };
}
