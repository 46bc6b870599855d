import { OnnxGraphBuilder, type ValueRef } from '@pv/onnx-writer';
import { assertStateDictLayout, float32Tensor, type StateDict } from '@pv/torch-checkpoint';
import {
  defineInceptionResnetV1,
  INCEPTION_RESNET_V1_BN_EPSILON,
  INCEPTION_RESNET_V1_EMBEDDING_SIZE,
  INCEPTION_RESNET_V1_INPUT_SIZE,
  type InceptionResnetV1Ops,
} from './architecture.js';
import { inceptionResnetV1Layout } from './layout.js';
import { appendNormalization, type FacenetNormalization } from './normalization.js';

/** Name of the model's input: `[batch, 3, 160, 160]` RGB pixel values 0..255 (float32). */
export const FACENET_INPUT_NAME = 'input';
/** Name of the model's output: `[batch, 512]`, L2-normalised. */
export const FACENET_OUTPUT_NAME = 'embedding';

/** Options of {@link buildInceptionResnetV1Onnx}. */
export interface BuildInceptionResnetV1Options {
  readonly normalization: FacenetNormalization;
  /** Written into the model's `doc_string` and `metadata_props` (e.g. where the weights came from). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Per-channel `gamma / sqrt(var + eps)` and `beta - mean * that` of the batch norm at `prefix`. */
function batchNormAffine(stateDict: StateDict, prefix: string): { scale: Float64Array; shift: Float64Array } {
  const gamma = float32Tensor(stateDict, `${prefix}.weight`);
  const beta = float32Tensor(stateDict, `${prefix}.bias`);
  const mean = float32Tensor(stateDict, `${prefix}.running_mean`);
  const variance = float32Tensor(stateDict, `${prefix}.running_var`);
  const scale = new Float64Array(gamma.length);
  const shift = new Float64Array(gamma.length);
  for (let c = 0; c < gamma.length; c++) {
    scale[c] = (gamma[c] as number) / Math.sqrt((variance[c] as number) + INCEPTION_RESNET_V1_BN_EPSILON);
    shift[c] = (beta[c] as number) - (mean[c] as number) * (scale[c] as number);
  }
  return { scale, shift };
}

/** `weight` ([out, …] row-major) with each output row multiplied by `scale[out]`. */
function scaleRows(weight: Float32Array, scale: ArrayLike<number>): Float32Array {
  const rowLength = weight.length / scale.length;
  return weight.map((w, i) => w * (scale[Math.floor(i / rowLength)] as number));
}

/**
 * Converts a facenet-pytorch `InceptionResnetV1` state dict into ONNX bytes. Batch norms are folded into
 * the convolutions (and `last_bn` into the final Gemm), block scales into the residual convolutions;
 * the chosen input normalisation and the final L2 normalisation are part of the graph. Input
 * {@link FACENET_INPUT_NAME} `[batch, 3, 160, 160]` RGB 0..255, output {@link FACENET_OUTPUT_NAME}
 * `[batch, 512]` unit vectors; the batch dimension is dynamic. Throws `StateDictLayoutError`
 * (`E_MODEL_FORMAT`) naming the first key or shape that differs from the expected layout.
 */
export function buildInceptionResnetV1Onnx(stateDict: StateDict, options: BuildInceptionResnetV1Options): Uint8Array {
  assertStateDictLayout(stateDict, inceptionResnetV1Layout(), 'InceptionResnetV1 state dict');
  const size = INCEPTION_RESNET_V1_INPUT_SIZE;
  const g = new OnnxGraphBuilder({ name: 'inception_resnet_v1', opset: 17 });
  const pixels = g.input(FACENET_INPUT_NAME, 'float32', ['batch', 3, size, size]);
  const input = appendNormalization(g, pixels, options.normalization, 3 * size * size);

  const ops: InceptionResnetV1Ops<ValueRef> = {
    basicConv: (x, prefix, inChannels, outChannels, [kh, kw], stride, [ph, pw]) => {
      const { scale, shift } = batchNormAffine(stateDict, `${prefix}.bn`);
      const weight = scaleRows(float32Tensor(stateDict, `${prefix}.conv.weight`), scale);
      const conv = g.conv(x, g.float32(`${prefix}.conv.weight`, [outChannels, inChannels, kh, kw], weight), g.float32(`${prefix}.conv.bias`, [outChannels], Float32Array.from(shift)), {
        strides: [stride, stride],
        pads: [ph, pw, ph, pw],
        name: prefix,
      });
      return g.relu(conv, { name: `${prefix}.relu` });
    },
    maxPool: (x) => g.maxPool(x, { kernelShape: [3, 3], strides: [2, 2], name: 'maxpool' }),
    concat: (parts) => g.concat(parts, 1, { name: 'concat' }),
    residual: (x, branches, prefix, inChannels, outChannels, blockScale, relu) => {
      const weight = float32Tensor(stateDict, `${prefix}.weight`).map((w) => w * blockScale);
      const bias = float32Tensor(stateDict, `${prefix}.bias`).map((b) => b * blockScale);
      const conv = g.conv(branches, g.float32(`${prefix}.weight`, [outChannels, inChannels, 1, 1], weight), g.float32(`${prefix}.bias`, [outChannels], bias), { name: prefix });
      const sum = g.add(conv, x, { name: `${prefix}.residual` });
      return relu ? g.relu(sum, { name: `${prefix}.relu` }) : sum;
    },
    head: (x, inFeatures, embeddingSize) => {
      const pooled = g.flatten(g.globalAveragePool(x, { name: 'avgpool_1a' }), 1, { name: 'features' });
      const { scale, shift } = batchNormAffine(stateDict, 'last_bn');
      const weight = scaleRows(float32Tensor(stateDict, 'last_linear.weight'), scale);
      const linear = g.gemm(pooled, g.float32('last_linear.weight', [embeddingSize, inFeatures], weight), g.float32('last_bn.shift', [embeddingSize], Float32Array.from(shift)), {
        transB: true,
        name: 'last_bn',
      });
      // F.normalize(x, p=2, dim=1): x / max(||x||, 1e-12)
      const norm = g.max(g.reduceL2(linear, [1], { name: 'norm' }), g.scalar(1e-12, 'norm_floor'));
      return g.div(linear, norm, { name: 'normalized' });
    },
  };
  const embedding = defineInceptionResnetV1(ops, input);
  g.output(embedding, 'float32', ['batch', INCEPTION_RESNET_V1_EMBEDDING_SIZE], FACENET_OUTPUT_NAME);
  return g.toModel({
    producerName: '@pv/facenet',
    docString: `Inception-ResNet-v1 (facenet-pytorch layout), ${options.normalization} input normalisation, L2-normalised ${INCEPTION_RESNET_V1_EMBEDDING_SIZE}-d output`,
    metadata: { normalization: options.normalization, ...options.metadata },
  });
}
