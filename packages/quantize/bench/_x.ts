import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { resolveModel } from '@pv/embedder-onnx-node';
import { defaultCatalog } from '@pv/models';
import ort from 'onnxruntime-node';
import { compareOutputs } from '../src/agreement.js';
import { openOnNode, recordCalibrationSet } from '../src/node/index.js';
import { quantizeModel } from '../src/quantize.js';
const lfw = '/work/shared/data/lfw-fold1/images';
const photos = (from: number, count: number) => readdirSync(lfw).sort().slice(from, from + count).map((n) => path.join(lfw, n, readdirSync(path.join(lfw, n)).sort()[0]!));
const { file } = await resolveModel('mobilefacenet', 'embedder');
const float = new Uint8Array(await readFile(file));
const cal = await recordCalibrationSet('mobilefacenet', photos(0, 30), { catalog: defaultCatalog });
const held = await recordCalibrationSet('mobilefacenet', [...photos(100, 12), ...photos(300, 8)], { catalog: defaultCatalog });
const target = Number(process.env.TARGET ?? 0);
const models: Record<string, Uint8Array> = { float };
for (const mode of (process.env.MODES ?? 'keep,decompose').split(',') as ('keep' | 'decompose')[]) {
  const t0 = Date.now();
  const q = await quantizeModel(float, cal.inputs, { open: openOnNode(), prelu: mode, targetCosine: target, onStep: (s) => console.log('  ', s) });
  const a = await compareOutputs(float, q.model, held.inputs, openOnNode());
  console.log(mode, 'quantize s', (Date.now() - t0) / 1000, 'int8', q.report.quantized.length, 'float', q.report.float, 'cal min', q.agreement.minCosine.toFixed(4), 'held min', a.minCosine.toFixed(4), 'mean', a.meanCosine.toFixed(4));
  models[mode] = q.model;
  await writeFile(`/tmp/int8x/${mode}.onnx`, q.model);
}
const feed = held.inputs[0]!;
const sessions = await Promise.all(Object.entries(models).map(async ([k, b]) => [k, await ort.InferenceSession.create(b, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' })] as const));
const best: Record<string, number> = {};
for (let round = 0; round < 5; round++) for (const [k, s] of sessions) {
  const name = s.inputNames[0]!; const d = feed[name]!;
  const t = new ort.Tensor('float32', d.data as Float32Array, d.dims as number[]);
  const t0 = performance.now(); for (let i = 0; i < 30; i++) await s.run({ [name]: t }); const ms = (performance.now() - t0) / 30;
  best[k] = Math.min(best[k] ?? 1e9, ms);
}
console.log('min ms per face (1 thread)', best, Object.fromEntries(Object.entries(best).map(([k, v]) => [k, (v / best.float!).toFixed(2)])));
