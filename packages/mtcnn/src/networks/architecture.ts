/** The three MTCNN networks. */
export type MtcnnNetworkName = 'pnet' | 'rnet' | 'onet';

/** One layer of a network trunk, named as in facenet-pytorch's modules (and so in the state dicts). */
export type MtcnnLayer =
  | { readonly kind: 'conv'; readonly name: string; readonly inChannels: number; readonly outChannels: number; readonly kernel: number }
  | { readonly kind: 'prelu'; readonly name: string; readonly channels: number }
  | { readonly kind: 'maxpool'; readonly kernel: number; readonly stride: number }
  /**
   * NCHW → NWHC, then flattened per item: facenet-pytorch's `permute(0, 3, 2, 1)` before the first dense
   * layer (the weights were converted from a framework that flattened feature maps in that order).
   */
  | { readonly kind: 'flatten-whc' }
  | { readonly kind: 'dense'; readonly name: string; readonly inFeatures: number; readonly outFeatures: number };

/** An output branch: one 1x1 convolution (P-Net) or dense layer (R-Net, O-Net) on the trunk's features. */
export interface MtcnnHead {
  readonly layer: Extract<MtcnnLayer, { kind: 'conv' | 'dense' }>;
  /** Softmax over the channel axis (the face / not-face probabilities). */
  readonly softmax: boolean;
  /** The ONNX output name. */
  readonly output: MtcnnOutputName;
}

/** Output tensors: face probabilities, box regression, and (O-Net) the five landmarks. */
export type MtcnnOutputName = 'prob' | 'reg' | 'landmarks';

/** A whole network: the fixed input size (`undefined` for the fully convolutional P-Net), trunk and heads. */
export interface MtcnnNetwork {
  readonly name: MtcnnNetworkName;
  readonly inputSize: number | undefined;
  readonly trunk: readonly MtcnnLayer[];
  readonly heads: readonly MtcnnHead[];
}

const conv = (name: string, inChannels: number, outChannels: number, kernel: number): Extract<MtcnnLayer, { kind: 'conv' }> => ({
  kind: 'conv',
  name,
  inChannels,
  outChannels,
  kernel,
});
const prelu = (name: string, channels: number): MtcnnLayer => ({ kind: 'prelu', name, channels });
const maxpool = (kernel: number, stride: number): MtcnnLayer => ({ kind: 'maxpool', kernel, stride });
const dense = (name: string, inFeatures: number, outFeatures: number): Extract<MtcnnLayer, { kind: 'dense' }> => ({
  kind: 'dense',
  name,
  inFeatures,
  outFeatures,
});

/**
 * P-Net (proposal network): fully convolutional, 12x12 receptive field, stride 2. Every max pool of the
 * three networks rounds its output size up (PyTorch `ceil_mode=True`); convolutions have no padding.
 */
export const PNET: MtcnnNetwork = {
  name: 'pnet',
  inputSize: undefined,
  trunk: [conv('conv1', 3, 10, 3), prelu('prelu1', 10), maxpool(2, 2), conv('conv2', 10, 16, 3), prelu('prelu2', 16), conv('conv3', 16, 32, 3), prelu('prelu3', 32)],
  heads: [
    { layer: conv('conv4_1', 32, 2, 1), softmax: true, output: 'prob' },
    { layer: conv('conv4_2', 32, 4, 1), softmax: false, output: 'reg' },
  ],
};

/** R-Net (refinement network) on 24x24 crops. */
export const RNET: MtcnnNetwork = {
  name: 'rnet',
  inputSize: 24,
  trunk: [
    conv('conv1', 3, 28, 3),
    prelu('prelu1', 28),
    maxpool(3, 2),
    conv('conv2', 28, 48, 3),
    prelu('prelu2', 48),
    maxpool(3, 2),
    conv('conv3', 48, 64, 2),
    prelu('prelu3', 64),
    { kind: 'flatten-whc' },
    dense('dense4', 576, 128),
    prelu('prelu4', 128),
  ],
  heads: [
    { layer: dense('dense5_1', 128, 2), softmax: true, output: 'prob' },
    { layer: dense('dense5_2', 128, 4), softmax: false, output: 'reg' },
  ],
};

/** O-Net (output network) on 48x48 crops, with the five landmarks. */
export const ONET: MtcnnNetwork = {
  name: 'onet',
  inputSize: 48,
  trunk: [
    conv('conv1', 3, 32, 3),
    prelu('prelu1', 32),
    maxpool(3, 2),
    conv('conv2', 32, 64, 3),
    prelu('prelu2', 64),
    maxpool(3, 2),
    conv('conv3', 64, 64, 3),
    prelu('prelu3', 64),
    maxpool(2, 2),
    conv('conv4', 64, 128, 2),
    prelu('prelu4', 128),
    { kind: 'flatten-whc' },
    dense('dense5', 1152, 256),
    prelu('prelu5', 256),
  ],
  heads: [
    { layer: dense('dense6_1', 256, 2), softmax: true, output: 'prob' },
    { layer: dense('dense6_2', 256, 4), softmax: false, output: 'reg' },
    { layer: dense('dense6_3', 256, 10), softmax: false, output: 'landmarks' },
  ],
};

/** The three networks by name. */
export const MTCNN_NETWORKS: Readonly<Record<MtcnnNetworkName, MtcnnNetwork>> = { pnet: PNET, rnet: RNET, onet: ONET };
