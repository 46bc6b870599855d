import { describe, expect, it } from 'vitest';
import { inceptionResnetV1Layout } from './layout.js';

/** Trainable parameters of a BasicConv2d: conv weight (no bias) plus batch-norm weight and bias. */
const basicConv = (inC: number, outC: number, kh: number, kw: number): number => inC * outC * kh * kw + 2 * outC;
/** Running mean and variance of a BasicConv2d's batch norm. */
const bnBuffers = (outC: number): number => 2 * outC;

/**
 * The trainable parameter count of facenet-pytorch's InceptionResnetV1 without its classifier, block by
 * block from the module definitions.
 */
function architectureParameterCount(): number {
  const stem = basicConv(3, 32, 3, 3) + basicConv(32, 32, 3, 3) + basicConv(32, 64, 3, 3) + basicConv(64, 80, 1, 1) + basicConv(80, 192, 3, 3) + basicConv(192, 256, 3, 3);
  const block35 = 3 * basicConv(256, 32, 1, 1) + 3 * basicConv(32, 32, 3, 3) + 96 * 256 + 256;
  const mixed6a = basicConv(256, 384, 3, 3) + basicConv(256, 192, 1, 1) + basicConv(192, 192, 3, 3) + basicConv(192, 256, 3, 3);
  const block17 = 2 * basicConv(896, 128, 1, 1) + basicConv(128, 128, 1, 7) + basicConv(128, 128, 7, 1) + 256 * 896 + 896;
  const mixed7a = 3 * basicConv(896, 256, 1, 1) + basicConv(256, 384, 3, 3) + 3 * basicConv(256, 256, 3, 3);
  const block8 = 2 * basicConv(1792, 192, 1, 1) + basicConv(192, 192, 1, 3) + basicConv(192, 192, 3, 1) + 384 * 1792 + 1792;
  const head = 1792 * 512 + 2 * 512;
  return stem + 5 * block35 + mixed6a + 10 * block17 + mixed7a + 6 * block8 + head;
}

/** Batch-norm output channels of every BasicConv2d plus last_bn, block by block. */
function batchNormChannels(): number {
  const stem = 32 + 32 + 64 + 80 + 192 + 256;
  const block35 = 6 * 32;
  const mixed6a = 384 + 192 + 192 + 256;
  const block17 = 4 * 128;
  const mixed7a = 256 + 384 + 256 + 256 + 256 + 256 + 256;
  const block8 = 4 * 192;
  return stem + 5 * block35 + mixed6a + 10 * block17 + mixed7a + 6 * block8 + 512;
}

describe('inceptionResnetV1Layout', () => {
  const layout = inceptionResnetV1Layout();
  const sizeOf = (shape: readonly (number | '*')[]): number => shape.reduce<number>((n, s) => n * (s as number), 1);

  it('lists the state dict of facenet-pytorch InceptionResnetV1 with its parameter count', () => {
    const required = layout.filter((spec) => spec.optional !== true);
    const running = required.filter((spec) => /running_(mean|var)$/u.test(spec.key));
    const trainable = required.filter((spec) => !running.includes(spec)).reduce((n, spec) => n + sizeOf(spec.shape), 0);
    console.info(`InceptionResnetV1: ${required.length} required tensors, ${trainable} trainable parameters`);
    expect(trainable).toBe(architectureParameterCount());
    // The same count PyTorch 1.13 reports for the module (sum of numel of named_parameters without logits).
    expect(trainable).toBe(23_482_624);
    expect(running.reduce((n, spec) => n + sizeOf(spec.shape), 0)).toBe(bnBuffers(batchNormChannels()));
  });

  it('names keys the way facenet-pytorch does', () => {
    const keys = layout.map((spec) => spec.key);
    expect(keys.slice(0, 6)).toEqual([
      'conv2d_1a.conv.weight',
      'conv2d_1a.bn.weight',
      'conv2d_1a.bn.bias',
      'conv2d_1a.bn.running_mean',
      'conv2d_1a.bn.running_var',
      'conv2d_1a.bn.num_batches_tracked',
    ]);
    expect(keys).toContain('repeat_1.4.branch2.2.conv.weight');
    expect(keys).toContain('repeat_2.9.conv2d.bias');
    expect(keys).toContain('mixed_7a.branch2.2.bn.running_var');
    expect(keys).toContain('block8.conv2d.weight');
    expect(keys.slice(-9)).toEqual([
      'block8.conv2d.bias',
      'last_linear.weight',
      'last_bn.weight',
      'last_bn.bias',
      'last_bn.running_mean',
      'last_bn.running_var',
      'last_bn.num_batches_tracked',
      'logits.weight',
      'logits.bias',
    ]);
    expect(layout.find((s) => s.key === 'repeat_2.0.branch1.1.conv.weight')?.shape).toEqual([128, 128, 1, 7]);
    expect(layout.find((s) => s.key === 'repeat_3.0.branch1.2.conv.weight')?.shape).toEqual([192, 192, 3, 1]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
