import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import { resolveModel } from '@pv/embedder-onnx-node';
import { modelsCacheDir, saveLocalModel, writeFileAtomically } from '@pv/model-fetch';
import { defaultCatalog, type CalibrationRecord, type ModelCatalog, type ModelEntry } from '@pv/models';
import type { QdqOptions, QdqReport } from '../qdq.js';
import { DEFAULT_BIAS_CORRECTION, DEFAULT_PRELU_MODE, quantizeModel, type QuantizedModel, type QuantizeModelOptions } from '../quantize.js';
import type { Agreement } from '../agreement.js';
import { recordCalibrationSet } from './calibration-set.js';
import { openOnNode } from './open-on-node.js';

/** Options of {@link quantizeCatalogModel}. */
export interface QuantizeCatalogModelOptions extends QdqOptions {
  /** Calibration photos (image files). */
  readonly photos: readonly string[];
  /** Where the photos came from, in words (recorded in the entry). */
  readonly origin: string;
  /** Id of the new entry (default `<source id>-int8`). */
  readonly id?: string;
  /** The models cache directory (default `modelsCacheDir()`); the quantized file is written there. */
  readonly modelsDir?: string;
  /** The catalog to read the float model from and register into (default `defaultCatalog`). */
  readonly catalog?: ModelCatalog;
  /** Called after each calibration photo. */
  readonly onPhoto?: (file: string, done: number) => void;
  /** How activation ranges are chosen, when to keep layers in float, progress: see {@link quantizeModel}. */
  readonly rangeMethod?: QuantizeModelOptions['rangeMethod'];
  readonly targetCosine?: number;
  readonly maxFloatLayers?: number;
  readonly onStep?: (message: string) => void;
  /** What to do with PRelu layers (default `DEFAULT_PRELU_MODE`): see {@link quantizeModel}. */
  readonly prelu?: QuantizeModelOptions['prelu'];
  /** How convolution biases are corrected (default `DEFAULT_BIAS_CORRECTION`): see {@link quantizeModel}. */
  readonly biasCorrection?: QuantizeModelOptions['biasCorrection'];
}

/** What {@link quantizeCatalogModel} wrote. */
export interface QuantizedCatalogModel {
  readonly id: string;
  /** Absolute path of the QDQ ONNX file. */
  readonly onnxFile: string;
  /** The entry registered and saved in `<modelsDir>/local-models.json`. */
  readonly entry: ModelEntry;
  readonly report: QdqReport;
  /** The PRelu mode used, and which PRelu layers were decomposed or kept. */
  readonly prelu: QuantizedModel['prelu'];
  readonly calibration: CalibrationRecord;
  /** The int8 model against the float one on every calibration input, both on onnxruntime-node. */
  readonly agreement: Agreement;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Quantizes catalog model `sourceId` to int8 (static, QDQ; see {@link quantizeModel}) with activation ranges
 * measured on the inputs pv's own pipeline gives it for `photos` (calibration and checks on
 * onnxruntime-node); writes `<modelsDir>/<id>.onnx` and registers a local catalog
 * entry (the float entry's tensors and alignment; `source.convertedFrom` names the float file and its
 * SHA-256, `source.calibration` the calibration set). An embedder's thresholds are copied from the float
 * model and marked provisional until re-derived.
 */
export async function quantizeCatalogModel(sourceId: string, options: QuantizeCatalogModelOptions): Promise<QuantizedCatalogModel> {
  const catalog = options.catalog ?? defaultCatalog;
  const modelsDir = path.resolve(options.modelsDir ?? modelsCacheDir());
  const source = catalog.get(sourceId);
  const id = options.id ?? `${source.id}-int8`;
  if (id === source.id) throw new InvalidArgumentError(`The quantized model needs an id other than "${source.id}"`, { id });
  const { file } = await resolveModel(source.id, source.task, { cacheDir: modelsDir, catalog });
  const floatBytes = new Uint8Array(await readFile(file));
  const set = await recordCalibrationSet(source.id, options.photos, {
    catalog,
    models: { cacheDir: modelsDir },
    ...(options.onPhoto ? { onPhoto: options.onPhoto } : {}),
  });
  const calibration: CalibrationRecord = { images: set.images, samples: set.inputs.length, sha256: set.sha256, origin: options.origin };
  const open = openOnNode();
  const { model, report, agreement, prelu } = await quantizeModel(floatBytes, set.inputs, {
    ...options,
    open,
    metadata: {
      quantized_from: `${source.id} sha256 ${sha256(floatBytes)}`,
      prelu: options.prelu ?? DEFAULT_PRELU_MODE,
      bias_correction: options.biasCorrection ?? DEFAULT_BIAS_CORRECTION,
      calibration: `${calibration.images} images, ${calibration.samples} samples, sha256 ${calibration.sha256}`,
    },
  });
  const onnxFile = path.join(modelsDir, `${id}.onnx`);
  await writeFileAtomically(onnxFile, model);
  const described =
    `${source.description} Quantized to int8 (QDQ: per-channel int8 weights, uint8 activations; ${report.quantized.length} layers int8, ` +
    `${report.float.length} float; PRelu ${prelu.mode}: ${prelu.decomposed.length} decomposed into integer operations) by @pv/quantize from ${source.id} (sha256 ${sha256(floatBytes)}), calibrated on ${calibration.samples} inputs from ` +
    `${calibration.images} images (${calibration.origin}).`;
  const entry: ModelEntry = {
    ...source,
    id,
    description: described,
    source: {
      kind: 'local',
      file: `${id}.onnx`,
      sha256: sha256(model),
      size: model.length,
      convertedFrom: { file, sha256: sha256(floatBytes), size: floatBytes.length, format: 'onnx' },
      calibration,
    },
    ...(source.task === 'embedder' ? { thresholdStatus: 'provisional' as const } : {}),
  } as ModelEntry;
  const registered = await saveLocalModel(entry, { cacheDir: modelsDir, catalog });
  return { id, onnxFile, entry: registered, report, prelu, calibration, agreement };
}
