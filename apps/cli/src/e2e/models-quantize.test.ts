// End to end: pv models quantize on a folder of photos, then --model <id>-int8 in another command.
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsCacheDir } from '@pv/model-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runPv, tempDir } from './pv-process.fixture.js';

const lfw = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)), '../shared/data/lfw-fold1/images');
const photo = (name: string, n: number): string => path.join(lfw, name, `${name}_${String(n).padStart(4, '0')}.jpg`);
let work = '';
let modelsDir = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('models-quantize');
  // A models cache of its own (the quantized entry is written there), holding the verified float models.
  expect((await runPv(['models', 'fetch'], work)).code).toBe(0);
  modelsDir = path.join(work, 'models');
  for (const id of ['rfb320', 'landmarks68', 'mobilefacenet']) await cp(path.join(modelsCacheDir(), id), path.join(modelsDir, id), { recursive: true });
  const calibration = path.join(work, 'calibration');
  await mkdir(calibration);
  for (const [name, n] of [['Akhmed_Zakayev', 1], ['Amber_Tamblyn', 1], ['Abel_Pacheco', 1], ['Akhmed_Zakayev', 3]] as const) {
    await cp(photo(name, n), path.join(calibration, `${name}_${n}.jpg`));
  }
}, 600_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv models quantize', () => {
  it('writes and registers mobilefacenet-int8 with its provenance, and --model mobilefacenet-int8 uses it', async () => {
    const env = { PV_MODELS_DIR: modelsDir };
    const quantized = await runPv(['models', 'quantize', 'mobilefacenet', '--calibration', path.join(work, 'calibration'), '--json'], work, env);
    expect(quantized.code, quantized.stderr).toBe(0);
    const result = JSON.parse(quantized.stdout) as { id: string; int8Layers: number; calibration: { images: number; samples: number }; agreement: { minCosine: number }; prelu: { mode: string; kept: string[] } };
    expect(result).toMatchObject({ id: 'mobilefacenet-int8', calibration: { images: 4, samples: 4 }, prelu: { mode: 'keep', decomposed: [] } });
    expect(result.prelu.kept).toHaveLength(33);
    expect(result.int8Layers).toBeGreaterThan(40);
    expect(result.agreement.minCosine).toBeGreaterThan(0.98);

    const info = await runPv(['models', 'info', 'mobilefacenet-int8', '--json'], work, env);
    const entry = JSON.parse(info.stdout) as { cached: string; source: { convertedFrom: { format: string; sha256: string }; calibration: { samples: number } } };
    expect(entry.cached).toBe('verified');
    expect(entry.source.convertedFrom.format).toBe('onnx');
    expect(entry.source.calibration.samples).toBe(4);

    const compare = await runPv(['compare', photo('Abel_Pacheco', 1), photo('Abel_Pacheco', 4), '--model', 'mobilefacenet-int8', '--json'], work, env);
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toContain('mobilefacenet-int8');
  }, 900_000);

  it('--prelu decompose (with --bias-correction empirical) makes every PRelu after a convolution integer; unknown modes are refused before any work', async () => {
    const env = { PV_MODELS_DIR: modelsDir };
    const refused = await runPv(['models', 'quantize', 'mobilefacenet', '--prelu', 'float', '--json'], work, env);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/--prelu must be one of keep, decompose/);
    const refusedCorrection = await runPv(['models', 'quantize', 'mobilefacenet', '--bias-correction', 'mean', '--json'], work, env);
    expect(refusedCorrection.code).not.toBe(0);
    expect(refusedCorrection.stdout + refusedCorrection.stderr).toMatch(/--bias-correction must be one of empirical, weights, none/);
    const quantized = await runPv(['models', 'quantize', 'mobilefacenet', '--prelu', 'decompose', '--bias-correction', 'empirical', '--id', 'mobilefacenet-int8-decompose', '--calibration', path.join(work, 'calibration'), '--json'], work, env);
    expect(quantized.code, quantized.stderr).toBe(0);
    const result = JSON.parse(quantized.stdout) as { id: string; prelu: { mode: string; decomposed: string[]; kept: string[] } };
    expect(result.id).toBe('mobilefacenet-int8-decompose');
    expect(result.prelu.mode).toBe('decompose');
    expect(result.prelu.decomposed).toHaveLength(32);
    const compare = await runPv(['compare', photo('Abel_Pacheco', 1), photo('Abel_Pacheco', 4), '--model', 'mobilefacenet-int8-decompose', '--json'], work, env);
    expect(compare.code, compare.stderr).toBe(0);
  }, 900_000);
});
