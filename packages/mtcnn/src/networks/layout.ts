import type { TensorSpec } from '@pv/torch-checkpoint';
import type { MtcnnNetwork } from './architecture.js';

/**
 * Every tensor of a facenet-pytorch MTCNN network's state dict, in `state_dict()` order: convolutions as
 * `weight` [out, in, k, k] and `bias` [out], PReLUs as `weight` [channels], dense layers as `weight`
 * [out, in] and `bias` [out]. Pools, the permutation and softmaxes have no parameters.
 */
export function mtcnnLayout(network: MtcnnNetwork): TensorSpec[] {
  const specs: TensorSpec[] = [];
  for (const layer of [...network.trunk, ...network.heads.map((head) => head.layer)]) {
    switch (layer.kind) {
      case 'conv':
        specs.push(
          { key: `${layer.name}.weight`, shape: [layer.outChannels, layer.inChannels, layer.kernel, layer.kernel] },
          { key: `${layer.name}.bias`, shape: [layer.outChannels] },
        );
        break;
      case 'dense':
        specs.push({ key: `${layer.name}.weight`, shape: [layer.outFeatures, layer.inFeatures] }, { key: `${layer.name}.bias`, shape: [layer.outFeatures] });
        break;
      case 'prelu':
        specs.push({ key: `${layer.name}.weight`, shape: [layer.channels] });
        break;
      case 'maxpool':
      case 'flatten-whc':
        break;
    }
  }
  return specs;
}
