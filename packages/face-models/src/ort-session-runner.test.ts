import { describe, expect, it } from 'vitest';
import { landmarks68 } from '@pv/models';
import { expectPvError } from '@pv/testkit';
import type { InferenceSession } from 'onnxruntime-common';
import { OrtSessionRunner, verifySessionTensors, type OrtTensorClass } from './ort-session-runner.js';

/** Enough of an onnxruntime Tensor for the runner: type, location, data, dims. */
class FakeTensor {
  readonly location = 'cpu';
  constructor(
    readonly type: string,
    readonly data: Float32Array | Int32Array,
    readonly dims: readonly number[],
  ) {}
}

/** An onnxruntime session stand-in that doubles every input value and records its feeds. */
function fakeSession(outputType: 'float32' | 'int32' = 'float32') {
  const state = { released: false, feeds: [] as Record<string, FakeTensor>[] };
  const session = {
    inputNames: ['input'],
    outputNames: ['output'],
    async run(feeds: Record<string, FakeTensor>) {
      state.feeds.push(feeds);
      const input = feeds['input']!;
      const doubled = input.data.map((v) => 2 * v);
      const data = outputType === 'float32' ? Float32Array.from(doubled) : Int32Array.from(doubled);
      return { output: new FakeTensor(outputType, data, input.dims) };
    },
    async release() {
      state.released = true;
    },
  };
  return { session: session as unknown as InferenceSession, state };
}

const tensorClass = FakeTensor as unknown as OrtTensorClass;

describe('OrtSessionRunner', () => {
  it('passes float32 inputs with their dims as the runtime’s tensors and returns float32 outputs', async () => {
    const { session, state } = fakeSession();
    const runner = new OrtSessionRunner(session, tensorClass, 'demo');
    expect([runner.inputNames, runner.outputNames]).toEqual([['input'], ['output']]);
    const outputs = await runner.run({ input: { data: Float32Array.of(1, 2, 3, 4), dims: [1, 4] } });
    expect(state.feeds[0]?.['input']).toBeInstanceOf(FakeTensor);
    expect(state.feeds[0]?.['input']?.dims).toEqual([1, 4]);
    expect([...outputs['output']!.data]).toEqual([2, 4, 6, 8]);
    expect(outputs['output']!.dims).toEqual([1, 4]);
    await runner.close();
    expect(state.released).toBe(true);
  });

  it('refuses outputs that are not float32 with E_MODEL_FORMAT', async () => {
    const runner = new OrtSessionRunner(fakeSession('int32').session, tensorClass, 'demo');
    await expectPvError(runner.run({ input: { data: Float32Array.of(1), dims: [1] } }), 'E_MODEL_FORMAT');
  });
});

describe('verifySessionTensors', () => {
  it('accepts a session with the entry’s tensor names', async () => {
    const { session, state } = fakeSession();
    await verifySessionTensors(landmarks68, session, 'landmarks.onnx');
    expect(state.released).toBe(false);
  });

  it('releases a session that lacks a tensor of the entry and throws E_MODEL_FORMAT naming it', async () => {
    const { session, state } = fakeSession();
    const renamed = { ...landmarks68, outputs: [{ ...landmarks68.outputs[0]!, name: 'points' }] };
    const error = await expectPvError(verifySessionTensors(renamed, session, 'landmarks.onnx'), 'E_MODEL_FORMAT');
    expect(error.message).toContain('points');
    expect(state.released).toBe(true);
  });
});
