import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveModel } from '@pv/embedder-onnx-node';
import { OrtSessionRunner } from '@pv/face-models';
import { defaultCatalog } from '@pv/models';
import { decodeModel } from '@pv/onnx-writer';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareOutputs, cosineSimilarity } from './agreement.js';
import { openOnNode, recordCalibrationSet, type CalibrationSet } from './node/index.js';
import { toNumber } from './onnx-graph.js';
import { quantizeModel, type QuantizedModel } from './quantize.js';

const SLOW = 900_000;
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
  let heldOut: CalibrationSet;

  beforeAll(async () => {
    const { file } = await resolveModel('mobilefacenet', 'embedder');
    float = new Uint8Array(await readFile(file));
    const calibration = await recordCalibrationSet('mobilefacenet', lfwPhotos(0, 30), { catalog: defaultCatalog });
    heldOut = await recordCalibrationSet('mobilefacenet', [...lfwPhotos(100, 12), ...lfwPhotos(300, 8)], { catalog: defaultCatalog });
    quantized = await quantizeModel(float, calibration.inputs, { open: openOnNode() });
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
