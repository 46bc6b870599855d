/**
 * The operations Inception-ResNet-v1 is made of, as facenet-pytorch's `InceptionResnetV1` lays them out.
 * {@link defineInceptionResnetV1} walks the network once through these; one implementation lists the
 * state-dict layout, another builds the ONNX graph.
 */
export interface InceptionResnetV1Ops<T> {
  /**
   * `BasicConv2d` at `prefix`: `Conv2d(in, out, kernel, stride, padding, bias=False)` (`prefix.conv`), then
   * `BatchNorm2d(out, eps=0.001)` (`prefix.bn`), then ReLU.
   */
  basicConv(x: T, prefix: string, inChannels: number, outChannels: number, kernel: readonly [number, number], stride: number, padding: readonly [number, number]): T;
  /** `MaxPool2d(3, stride=2)` (no padding, floor). */
  maxPool(x: T): T;
  /** Concatenation along channels. */
  concat(parts: readonly T[]): T;
  /**
   * The residual end of Block35/17/8: `Conv2d(in, out, 1)` with bias at `prefix` on `branches`, scaled by
   * `scale`, added to `x`, then ReLU unless `relu` is false.
   */
  residual(x: T, branches: T, prefix: string, inChannels: number, outChannels: number, scale: number, relu: boolean): T;
  /**
   * `AdaptiveAvgPool2d(1)`, flatten, `last_linear` (`Linear(1792, 512, bias=False)`), `last_bn`
   * (`BatchNorm1d(512, eps=0.001)`), then L2 normalisation (`F.normalize`).
   */
  head(x: T, inFeatures: number, embeddingSize: number): T;
}

/** Input side of the network, in pixels. */
export const INCEPTION_RESNET_V1_INPUT_SIZE = 160;
/** Length of the embedding. */
export const INCEPTION_RESNET_V1_EMBEDDING_SIZE = 512;
/** `eps` of every batch norm in facenet-pytorch's model (TensorFlow's value). */
export const INCEPTION_RESNET_V1_BN_EPSILON = 0.001;

function block35<T>(ops: InceptionResnetV1Ops<T>, x: T, p: string, scale: number): T {
  const b0 = ops.basicConv(x, `${p}.branch0`, 256, 32, [1, 1], 1, [0, 0]);
  let b1 = ops.basicConv(x, `${p}.branch1.0`, 256, 32, [1, 1], 1, [0, 0]);
  b1 = ops.basicConv(b1, `${p}.branch1.1`, 32, 32, [3, 3], 1, [1, 1]);
  let b2 = ops.basicConv(x, `${p}.branch2.0`, 256, 32, [1, 1], 1, [0, 0]);
  b2 = ops.basicConv(b2, `${p}.branch2.1`, 32, 32, [3, 3], 1, [1, 1]);
  b2 = ops.basicConv(b2, `${p}.branch2.2`, 32, 32, [3, 3], 1, [1, 1]);
  return ops.residual(x, ops.concat([b0, b1, b2]), `${p}.conv2d`, 96, 256, scale, true);
}

function block17<T>(ops: InceptionResnetV1Ops<T>, x: T, p: string, scale: number): T {
  const b0 = ops.basicConv(x, `${p}.branch0`, 896, 128, [1, 1], 1, [0, 0]);
  let b1 = ops.basicConv(x, `${p}.branch1.0`, 896, 128, [1, 1], 1, [0, 0]);
  b1 = ops.basicConv(b1, `${p}.branch1.1`, 128, 128, [1, 7], 1, [0, 3]);
  b1 = ops.basicConv(b1, `${p}.branch1.2`, 128, 128, [7, 1], 1, [3, 0]);
  return ops.residual(x, ops.concat([b0, b1]), `${p}.conv2d`, 256, 896, scale, true);
}

function block8<T>(ops: InceptionResnetV1Ops<T>, x: T, p: string, scale: number, relu: boolean): T {
  const b0 = ops.basicConv(x, `${p}.branch0`, 1792, 192, [1, 1], 1, [0, 0]);
  let b1 = ops.basicConv(x, `${p}.branch1.0`, 1792, 192, [1, 1], 1, [0, 0]);
  b1 = ops.basicConv(b1, `${p}.branch1.1`, 192, 192, [1, 3], 1, [0, 1]);
  b1 = ops.basicConv(b1, `${p}.branch1.2`, 192, 192, [3, 1], 1, [1, 0]);
  return ops.residual(x, ops.concat([b0, b1]), `${p}.conv2d`, 384, 1792, scale, relu);
}

function mixed6a<T>(ops: InceptionResnetV1Ops<T>, x: T): T {
  const b0 = ops.basicConv(x, 'mixed_6a.branch0', 256, 384, [3, 3], 2, [0, 0]);
  let b1 = ops.basicConv(x, 'mixed_6a.branch1.0', 256, 192, [1, 1], 1, [0, 0]);
  b1 = ops.basicConv(b1, 'mixed_6a.branch1.1', 192, 192, [3, 3], 1, [1, 1]);
  b1 = ops.basicConv(b1, 'mixed_6a.branch1.2', 192, 256, [3, 3], 2, [0, 0]);
  return ops.concat([b0, b1, ops.maxPool(x)]);
}

function mixed7a<T>(ops: InceptionResnetV1Ops<T>, x: T): T {
  let b0 = ops.basicConv(x, 'mixed_7a.branch0.0', 896, 256, [1, 1], 1, [0, 0]);
  b0 = ops.basicConv(b0, 'mixed_7a.branch0.1', 256, 384, [3, 3], 2, [0, 0]);
  let b1 = ops.basicConv(x, 'mixed_7a.branch1.0', 896, 256, [1, 1], 1, [0, 0]);
  b1 = ops.basicConv(b1, 'mixed_7a.branch1.1', 256, 256, [3, 3], 2, [0, 0]);
  let b2 = ops.basicConv(x, 'mixed_7a.branch2.0', 896, 256, [1, 1], 1, [0, 0]);
  b2 = ops.basicConv(b2, 'mixed_7a.branch2.1', 256, 256, [3, 3], 1, [1, 1]);
  b2 = ops.basicConv(b2, 'mixed_7a.branch2.2', 256, 256, [3, 3], 2, [0, 0]);
  return ops.concat([b0, b1, b2, ops.maxPool(x)]);
}

/**
 * Inception-ResNet-v1 (Szegedy et al. 2016) exactly as facenet-pytorch's `InceptionResnetV1.forward`
 * runs it in eval mode (dropout is the identity), in its module registration order: the stem
 * (`conv2d_1a` … `conv2d_4b`), `repeat_1` (5 × Block35, scale 0.17), `mixed_6a`, `repeat_2`
 * (10 × Block17, scale 0.10), `mixed_7a`, `repeat_3` (5 × Block8, scale 0.20), `block8` (scale 1, no
 * ReLU) and the head. 160x160 input, 3x3x1792 before pooling, 512-d output.
 */
export function defineInceptionResnetV1<T>(ops: InceptionResnetV1Ops<T>, input: T): T {
  let x = ops.basicConv(input, 'conv2d_1a', 3, 32, [3, 3], 2, [0, 0]);
  x = ops.basicConv(x, 'conv2d_2a', 32, 32, [3, 3], 1, [0, 0]);
  x = ops.basicConv(x, 'conv2d_2b', 32, 64, [3, 3], 1, [1, 1]);
  x = ops.maxPool(x);
  x = ops.basicConv(x, 'conv2d_3b', 64, 80, [1, 1], 1, [0, 0]);
  x = ops.basicConv(x, 'conv2d_4a', 80, 192, [3, 3], 1, [0, 0]);
  x = ops.basicConv(x, 'conv2d_4b', 192, 256, [3, 3], 2, [0, 0]);
  for (let i = 0; i < 5; i++) x = block35(ops, x, `repeat_1.${i}`, 0.17);
  x = mixed6a(ops, x);
  for (let i = 0; i < 10; i++) x = block17(ops, x, `repeat_2.${i}`, 0.1);
  x = mixed7a(ops, x);
  for (let i = 0; i < 5; i++) x = block8(ops, x, `repeat_3.${i}`, 0.2, true);
  x = block8(ops, x, 'block8', 1, false);
  return ops.head(x, 1792, INCEPTION_RESNET_V1_EMBEDDING_SIZE);
}
