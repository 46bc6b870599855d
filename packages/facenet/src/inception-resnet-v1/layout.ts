import type { TensorSpec } from '@pv/torch-checkpoint';
import { defineInceptionResnetV1, type InceptionResnetV1Ops } from './architecture.js';

function batchNormSpecs(prefix: string, channels: number): TensorSpec[] {
  return [
    { key: `${prefix}.weight`, shape: [channels] },
    { key: `${prefix}.bias`, shape: [channels] },
    { key: `${prefix}.running_mean`, shape: [channels] },
    { key: `${prefix}.running_var`, shape: [channels] },
    // Present when saved by PyTorch >= 0.4.1.
    { key: `${prefix}.num_batches_tracked`, shape: [], dtype: 'int64', optional: true },
  ];
}

/**
 * Every tensor of facenet-pytorch's `InceptionResnetV1` state dict, in `state_dict()` order: each
 * `BasicConv2d` as `conv.weight` and the five `bn.*` entries, each block's `conv2d.weight`/`conv2d.bias`,
 * `last_linear.weight`, `last_bn.*`, and the optional classifier `logits.weight`/`logits.bias` (8631
 * classes for vggface2, 10575 for casia-webface; not used for embeddings).
 */
export function inceptionResnetV1Layout(): TensorSpec[] {
  const specs: TensorSpec[] = [];
  const ops: InceptionResnetV1Ops<null> = {
    basicConv: (_x, prefix, inChannels, outChannels, [kh, kw]) => {
      specs.push({ key: `${prefix}.conv.weight`, shape: [outChannels, inChannels, kh, kw] }, ...batchNormSpecs(`${prefix}.bn`, outChannels));
      return null;
    },
    maxPool: () => null,
    concat: () => null,
    residual: (_x, _branches, prefix, inChannels, outChannels) => {
      specs.push({ key: `${prefix}.weight`, shape: [outChannels, inChannels, 1, 1] }, { key: `${prefix}.bias`, shape: [outChannels] });
      return null;
    },
    head: (_x, inFeatures, embeddingSize) => {
      specs.push({ key: 'last_linear.weight', shape: [embeddingSize, inFeatures] }, ...batchNormSpecs('last_bn', embeddingSize));
      specs.push({ key: 'logits.weight', shape: ['*', embeddingSize], optional: true }, { key: 'logits.bias', shape: ['*'], optional: true });
      return null;
    },
  };
  defineInceptionResnetV1(ops, null);
  return specs;
}
