import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModel } from '@pv/embedder-onnx-node';
import { OrtSessionRunner } from '@pv/face-models';
import { defaultCatalog } from '@pv/models';
import { decodeModel, encodeModel } from '@pv/onnx-writer';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareOutputs, cosineSimilarity } from './agreement.js';
import { openOnNode, recordCalibrationSet, type CalibrationSet } from './node/index.js';
import { toNumber } from './onnx-graph.js';
import { decomposePRelu } from './prelu.js';
import { DEFAULT_PRELU_MODE, quantizeModel, type QuantizedModel } from './quantize.js';

const SLOW = 1_800_000;
const lfw = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)), '../shared/data/lfw-fold1/images');
/** The first photo of each of `count` LFW fold-1 people, from the `from`-th person on (sorted by name). */
function lfwPhotos(from: number, count: number): string[] {
  return readdirSync(lfw)
    .sort()
    .slice(from, from + count)
    .map((name) => path.join(lfw, name, readdirSync(path.join(lfw, name)).sort()[0] as string));
}

describe('quantizeModel on MobileFaceNet', () => {
  let float: Uint8Array;
  let quantized: QuantizedModel;
  let decomposed: QuantizedModel;
  let heldOut: CalibrationSet;

  beforeAll(async () => {
    const { file } = await resolveModel('mobilefacenet', 'embedder');
    float = new Uint8Array(await readFile(file));
    const calibration = await recordCalibrationSet('mobilefacenet', lfwPhotos(0, 30), { catalog: defaultCatalog });
    heldOut = await recordCalibrationSet('mobilefacenet', [...lfwPhotos(100, 12), ...lfwPhotos(300, 8)], { catalog: defaultCatalog });
    quantized = await quantizeModel(float, calibration.inputs, { open: openOnNode(), prelu: 'keep' });
    // The structure of the decomposed graph; no accuracy search (decompose stays below the bound anyway, see the README).
    decomposed = await quantizeModel(float, calibration.inputs, { open: openOnNode(), prelu: 'decompose', targetCosine: 0 });
  }, SLOW);

  it('decomposePRelu is exactly PRelu in float: Relu + per-channel slope × Min(x, 0), on real faces', async () => {
    const model = decodeModel(float);
    const inputs = new Set(['input']);
    const report = decomposePRelu(model, inputs);
    // 33 PRelus: all but the one after the layer reading the photo (kept float) have a convolution before them.
    expect(report.decomposed).toHaveLength(32);
    expect(report.kept).toHaveLength(1);
    const ops = (model.graph?.node ?? []).map((n) => n.opType);
    expect(ops.filter((o) => o === 'PRelu')).toHaveLength(1);
    expect(ops.filter((o) => o === 'Min')).toHaveLength(32);
    const rewritten = await openOnNode()(encodeModel(model));
    const original = await openOnNode()(float);
    try {
      for (const feed of heldOut.inputs.slice(0, 3)) {
        const a = (await original.run(feed)).output?.data ?? new Float32Array();
        const b = (await rewritten.run(feed)).output?.data ?? new Float32Array();
        expect(b).toHaveLength(512);
        let diff = 0;
        for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
        expect(diff).toBeLessThan(1e-4);
      }
    } finally {
      await Promise.all([rewritten.close(), original.close()]);
    }
  });

  it('--prelu decompose: no PRelu left after int8 layers; the negative parts are convolutions with uint8 range [min, 0], slopes per-channel int8', () => {
    expect(decomposed.prelu).toMatchObject({ mode: 'decompose' });
    expect(decomposed.prelu.decomposed).toHaveLength(32);
    expect(quantized.prelu).toMatchObject({ mode: 'keep', decomposed: [] });
    expect(quantized.prelu.kept).toHaveLength(33);
    const model = decodeModel(decomposed.model);
    const nodes = model.graph?.node ?? [];
    const init = new Map((model.graph?.initializer ?? []).map((t) => [t.name, t]));
    const producer = new Map(nodes.flatMap((n) => (n.output ?? []).map((o) => [o, n] as const)));
    const readers = (t: string) => nodes.filter((n) => (n.input ?? []).includes(t));
    expect(nodes.filter((n) => n.opType === 'PRelu')).toHaveLength(1);
    // Folded into the uint8 ranges of int8 convolutions; only one after a layer kept in float stays.
    for (const clip of nodes.filter((n) => n.opType === 'Min' || n.opType === 'Relu')) {
      const conv = producer.get(clip.input?.[0] ?? '');
      expect(conv?.opType).toBe('Conv');
      expect(producer.get(conv?.input?.[1] ?? '')).toBeUndefined(); // float weights
    }
    expect(nodes.filter((n) => n.opType === 'Min' || n.opType === 'Relu').length).toBeLessThanOrEqual(2 * decomposed.report.float.length);
    const slopes = nodes.filter((n) => n.opType === 'Conv' && (n.name ?? '').endsWith('_slope'));
    expect(slopes.length).toBeGreaterThanOrEqual(30);
    for (const slope of slopes) {
      // slope × m: a depthwise 1x1 convolution with per-channel int8 weights, reading the dequantized negative part …
      const weights = producer.get(slope.input?.[1] ?? '');
      expect(weights?.opType).toBe('DequantizeLinear');
      expect(init.get(weights?.input?.[0] ?? '')?.dataType).toBe(3);
      const negative = producer.get(slope.input?.[0] ?? '');
      expect(negative?.opType).toBe('DequantizeLinear');
      // … whose uint8 zero point 255 clips at 0 from above: Min(x, 0)
      const zeroPoint = init.get(negative?.input?.[2] ?? '');
      expect(zeroPoint?.dataType).toBe(2);
      expect(zeroPoint?.rawData?.[0]).toBe(255);
      // and the sum with the positive part is an int8 Add (QDQ on both inputs and the output).
      const quantizedSlope = readers(slope.output?.[0] ?? '')[0];
      expect(quantizedSlope?.opType).toBe('QuantizeLinear');
      const add = readers(readers(quantizedSlope?.output?.[0] ?? '')[0]?.output?.[0] ?? '')[0];
      expect(add?.opType).toBe('Add');
      expect((add?.input ?? []).map((i) => producer.get(i)?.opType)).toEqual(['DequantizeLinear', 'DequantizeLinear']);
    }
    expect(decomposed.report.quantized.length).toBeGreaterThan(100);
  });

  it(`the default PRelu mode (${DEFAULT_PRELU_MODE}) agrees with the float model on held-out real faces: cosine ≥ 0.99 per face`, async () => {
    const chosen = DEFAULT_PRELU_MODE === 'decompose' ? decomposed : quantized;
    const agreement = await compareOutputs(float, chosen.model, heldOut.inputs, openOnNode());
    expect(agreement.samples).toBe(heldOut.inputs.length);
    expect(agreement.minCosine).toBeGreaterThanOrEqual(0.99);
  }, SLOW);

  it('writes an opset-13 QDQ graph: per-channel int8 weights, uint8 activations, float first and last layers', () => {
    const model = decodeModel(quantized.model);
    expect(toNumber(model.opsetImport.find((o) => o.domain === '')?.version)).toBe(13);
    const nodes = (model.graph?.node ?? []).map((n) => ({ name: n.name ?? '', opType: n.opType ?? '', input: n.input ?? [], output: n.output ?? [], attribute: n.attribute ?? [] }));
    const init = new Map((model.graph?.initializer ?? []).map((t) => [t.name, t]));
    const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
    const convs = nodes.filter((n) => n.opType === 'Conv');
    const intConvs = convs.filter((c) => producer.get(c.input[1] as string)?.opType === 'DequantizeLinear');
    expect(intConvs.map((c) => c.name).sort()).toEqual([...quantized.report.quantized].filter((n) => n.startsWith('Conv')).sort());
    for (const conv of intConvs) {
      const dq = producer.get(conv.input[1] as string);
      const weight = init.get(dq?.input[0] as string);
      const scale = init.get(dq?.input[1] as string);
      expect(weight?.dataType).toBe(3); // int8
      expect(toNumber(dq?.attribute.find((a) => a.name === 'axis')?.i)).toBe(0);
      expect((scale?.dims ?? []).map((d) => toNumber(d))).toEqual([toNumber(weight?.dims?.[0])]);
      const activation = producer.get(conv.input[0] as string);
      expect(activation?.opType).toBe('DequantizeLinear');
      expect(init.get(activation?.input[2] as string)?.dataType).toBe(2); // uint8
      expect(producer.get(conv.input[2] as string)?.opType).toBe('DequantizeLinear'); // int32 bias
    }
    // The first layer reads the photo in float; the last one writes the embedding in float.
    const first = convs.find((c) => c.input[0] === 'input');
    const last = producer.get(nodes.find((n) => n.output.includes('output'))?.input[0] as string);
    expect(first && producer.get(first.input[1] as string)).toBeUndefined();
    expect(last?.opType).toBe('Conv');
    expect(producer.get(last?.input[1] as string)).toBeUndefined();
    expect(quantized.report.float).toEqual(expect.arrayContaining([first?.name, last?.name]));
    expect(intConvs.length).toBeGreaterThan(40);
    expect(nodes.filter((n) => n.opType === 'QuantizeLinear').length).toBeGreaterThan(40);
  });

  it('agrees with the float model on real faces it was not calibrated on: cosine ≥ 0.99 per face (onnxruntime-node)', async () => {
    expect(heldOut.inputs.length).toBeGreaterThanOrEqual(16);
    const agreement = await compareOutputs(float, quantized.model, heldOut.inputs, openOnNode());
    expect(agreement.minCosine).toBeGreaterThanOrEqual(0.99);
    expect(quantized.agreement.minCosine).toBeGreaterThanOrEqual(0.99);
  }, SLOW);

  it('runs in onnxruntime-web (wasm), agreeing with onnxruntime-node and with the float model', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const openOnWeb = async (bytes: Uint8Array) => new OrtSessionRunner(await ortWeb.InferenceSession.create(bytes), ortWeb.Tensor, 'quantized');
    const node = await openOnNode()(quantized.model);
    const web = await openOnWeb(quantized.model);
    const floatRunner = await openOnNode()(float);
    try {
      for (const feed of heldOut.inputs.slice(0, 4)) {
        const a = (await node.run(feed)).output?.data ?? new Float32Array();
        const b = (await web.run(feed)).output?.data ?? new Float32Array();
        const reference = (await floatRunner.run(feed)).output?.data ?? new Float32Array();
        expect(b).toHaveLength(512);
        // The wasm build has its own integer kernels: close to onnxruntime-node's, and as close to float.
        expect(cosineSimilarity(a, b)).toBeGreaterThan(0.995);
        expect(cosineSimilarity(reference, b)).toBeGreaterThanOrEqual(0.99);
      }
    } finally {
      await Promise.all([node.close(), web.close(), floatRunner.close()]);
    }
  }, SLOW);
});
