import type { DetectorModelEntry, ModelOutput, OriginalWeights } from '@pv/models';
import type { MtcnnNetwork, MtcnnNetworkName } from './networks/architecture.js';
import { MTCNN_INPUT_NAME } from './networks/build-onnx.js';

/** Catalog ids of the three imported networks. */
export const MTCNN_MODEL_IDS: Readonly<Record<MtcnnNetworkName, string>> = {
  pnet: 'mtcnn-pnet',
  rnet: 'mtcnn-rnet',
  onet: 'mtcnn-onet',
};

/** A file with its SHA-256 (lowercase hex) and size in bytes (the same shape as `@pv/facenet`'s `HashedFile`). */
export interface MtcnnHashedFile {
  readonly file: string;
  readonly sha256: string;
  readonly size: number;
}

const LICENCE =
  'The weights ship with facenet-pytorch (Tim Esler, MIT licence) in its data/ folder; they are a conversion of the ' +
  'original MTCNN models (Zhang et al., 2016) by way of davidsandberg/facenet (MIT). The terms of the original ' +
  'MTCNN release were not verified here.';

const DESCRIPTIONS: Readonly<Record<MtcnnNetworkName, string>> = {
  pnet: 'MTCNN P-Net (proposal network, fully convolutional, 12x12 cells at stride 2)',
  rnet: 'MTCNN R-Net (refinement network, 24x24 crops)',
  onet: 'MTCNN O-Net (output network, 48x48 crops, five landmarks)',
};

const PREPARATION: Readonly<Record<MtcnnNetworkName, string>> = {
  pnet: 'One level of the image pyramid: the photo scaled by 12/minFaceSize · 0.709^k with adaptive average pooling (PyTorch interpolate mode "area").',
  rnet: 'A candidate box (squared, clipped to the photo, not padded) resized to 24x24 with adaptive average pooling.',
  onet: 'A candidate box (squared, clipped to the photo, not padded) resized to 48x48 with adaptive average pooling.',
};

function outputsOf(network: MtcnnNetwork): ModelOutput[] {
  const maps = network.inputSize === undefined;
  return network.heads.map((head) => {
    const channels = head.layer.kind === 'conv' ? head.layer.outChannels : head.layer.outFeatures;
    const shape = maps ? [-1, channels, -1, -1] : [-1, channels];
    const meaning =
      head.output === 'prob'
        ? 'Softmaxed face / not-face probabilities; channel 1 is "face".'
        : head.output === 'reg'
          ? 'Box regression dx1, dy1, dx2, dy2 as fractions of the box width and height.'
          : 'Five landmarks: five x values, then five y values, as fractions of the input box.';
    return { name: head.output, shape, meaning: maps ? `${meaning} One value per 12x12 cell (stride 2).` : meaning };
  });
}

/**
 * The catalog entry of an imported MTCNN network: a `detector` whose `local` source is the converted ONNX
 * file (`onnx.file` relative to the models cache directory, with its hash and size) and, in
 * `source.convertedFrom`, the PyTorch file it came from (also named with its SHA-256 and size, or its download
 * URL, in the description).
 */
export function mtcnnCatalogEntry(network: MtcnnNetwork, onnx: MtcnnHashedFile, source: OriginalWeights): DetectorModelEntry {
  const size = network.inputSize ?? -1;
  return {
    id: MTCNN_MODEL_IDS[network.name],
    task: 'detector',
    description: `${DESCRIPTIONS[network.name]}; converted by @pv/mtcnn from ${source.url ?? source.file} (sha256 ${source.sha256}, ${source.size} bytes).`,
    format: 'onnx',
    source: { kind: 'local', file: onnx.file, sha256: onnx.sha256, size: onnx.size, convertedFrom: source },
    inputs: [
      {
        name: MTCNN_INPUT_NAME,
        shape: [-1, 3, size, size],
        layout: 'NCHW',
        colour: 'rgb',
        normalisation: { mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
        preparation: PREPARATION[network.name],
      },
    ],
    outputs: outputsOf(network),
    licence: LICENCE,
  };
}
