import { describe, expect, it } from 'vitest';
import { getModel, landmarks68 } from '@pv/models';
import { expectPvError } from '@pv/testkit';
import { imageInputSpec } from './input-spec.js';

describe('imageInputSpec', () => {
  it('reads size, channels and normalisation from the catalog', () => {
    expect(imageInputSpec(getModel('rfb320'))).toMatchObject({ name: 'input', channels: 3, width: 320, height: 240, length: 230400 });
    expect(imageInputSpec(getModel('landmarks68'))).toMatchObject({
      channels: 1,
      width: 64,
      height: 64,
      normalization: { channels: 'gray', mean: [0], std: [256] },
    });
  });

  it('refuses an input that is not a fixed-size NCHW image', async () => {
    const nhwc = { ...landmarks68, inputs: [{ ...landmarks68.inputs[0]!, layout: 'NHWC' as const }] };
    const dynamic = { ...landmarks68, inputs: [{ ...landmarks68.inputs[0]!, shape: [1, 1, -1, -1] }] };
    for (const entry of [nhwc, dynamic]) await expectPvError(() => imageInputSpec(entry), 'E_MODEL_FORMAT');
  });
});
