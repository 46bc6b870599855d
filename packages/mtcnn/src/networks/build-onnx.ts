import { OnnxGraphBuilder, type Dim, type ValueRef } from '@pv/onnx-writer';
import { assertStateDictLayout, float32Tensor, type StateDict } from '@pv/torch-checkpoint';
import type { MtcnnLayer, MtcnnNetwork } from './architecture.js';
import { mtcnnLayout } from './layout.js';

/** Name of every MTCNN model's input: `[batch, 3, height, width]`, RGB normalised as `(x − 127.5) / 128`. */
export const MTCNN_INPUT_NAME = 'input';

/** Options of {@link buildMtcnnOnnx}. */
export interface BuildMtcnnOnnxOptions {
  /** Written into the model's `metadata_props` (e.g. the source file's name, size and SHA-256). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Names the checked state dict in the error when its layout differs (default: `<network>.pt`). */
  readonly what?: string;
}

/**
 * Converts a facenet-pytorch MTCNN state dict (`pnet.pt`, `rnet.pt` or `onet.pt`) into ONNX bytes for
 * `network`. Input {@link MTCNN_INPUT_NAME}: P-Net takes any height and width (12 or more), R-Net 24x24 and
 * O-Net 48x48, batch dynamic. Outputs: `prob` (softmaxed; channel 1 is "face"), `reg` (box regression) and,
 * for O-Net, `landmarks` (five x fractions, then five y fractions of the box). P-Net's outputs are maps
 * `[batch, channels, rows, columns]`, the others `[batch, channels]`. Throws `StateDictLayoutError`
 * (`E_MODEL_FORMAT`) naming the first key or shape that differs from the network's layout.
 */
export function buildMtcnnOnnx(network: MtcnnNetwork, stateDict: StateDict, options: BuildMtcnnOnnxOptions = {}): Uint8Array {
  assertStateDictLayout(stateDict, mtcnnLayout(network), options.what ?? `${network.name}.pt`);
  const g = new OnnxGraphBuilder({ name: `mtcnn_${network.name}`, opset: 17 });
  const size = network.inputSize;
  const spatial: Dim[] = size === undefined ? ['height', 'width'] : [size, size];
  let x = g.input(MTCNN_INPUT_NAME, 'float32', ['batch', 3, ...spatial]);
  // Feature maps (NCHW) until the flattening, feature vectors ([N, C]) after it.
  let flat = false;
  for (const layer of network.trunk) {
    x = appendLayer(g, stateDict, layer, x, flat);
    flat ||= layer.kind === 'flatten-whc';
  }
  for (const head of network.heads) {
    let y = appendLayer(g, stateDict, head.layer, x, flat);
    if (head.softmax) y = g.softmax(y, 1, { name: `${head.layer.name}.softmax` });
    const channels = head.layer.kind === 'conv' ? head.layer.outChannels : head.layer.outFeatures;
    const outputDims: Dim[] = size === undefined ? ['batch', channels, 'rows', 'columns'] : ['batch', channels];
    g.output(y, 'float32', outputDims, head.output);
  }
  return g.toModel({
    producerName: '@pv/mtcnn',
    docString: `MTCNN ${network.name} (facenet-pytorch layout), converted from a PyTorch state dict`,
    metadata: { network: network.name, ...options.metadata },
  });
}

function appendLayer(g: OnnxGraphBuilder, stateDict: StateDict, layer: MtcnnLayer, x: ValueRef, flat: boolean): ValueRef {
  switch (layer.kind) {
    case 'conv': {
      const { name, inChannels, outChannels, kernel } = layer;
      const weight = g.float32(`${name}.weight`, [outChannels, inChannels, kernel, kernel], float32Tensor(stateDict, `${name}.weight`));
      const bias = g.float32(`${name}.bias`, [outChannels], float32Tensor(stateDict, `${name}.bias`));
      return g.conv(x, weight, bias, { name });
    }
    case 'prelu': {
      // Per-channel slopes broadcast over NCHW maps as [C, 1, 1] and over [N, C] features as [C].
      const dims = flat ? [layer.channels] : [layer.channels, 1, 1];
      return g.prelu(x, g.float32(`${layer.name}.weight`, dims, float32Tensor(stateDict, `${layer.name}.weight`)), { name: layer.name });
    }
    case 'maxpool':
      return g.maxPool(x, { kernelShape: [layer.kernel, layer.kernel], strides: [layer.stride, layer.stride], ceilMode: true });
    case 'flatten-whc':
      return g.flatten(g.transpose(x, [0, 3, 2, 1], { name: 'whc' }), 1, { name: 'features' });
    case 'dense': {
      const { name, inFeatures, outFeatures } = layer;
      const weight = g.float32(`${name}.weight`, [outFeatures, inFeatures], float32Tensor(stateDict, `${name}.weight`));
      const bias = g.float32(`${name}.bias`, [outFeatures], float32Tensor(stateDict, `${name}.bias`));
      return g.gemm(x, weight, bias, { transB: true, name });
    }
  }
}
