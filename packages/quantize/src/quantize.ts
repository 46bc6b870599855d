import type { TensorData } from '@pv/face-models';
import { decodeModel, encodeModel } from '@pv/onnx-writer';
import { compareOutputs, type Agreement } from './agreement.js';
import { collectRanges, type OpenModelBytes, type RangeMethod, type TensorRange } from './calibrate.js';
import { upgradeToQdqOpset } from './opset.js';
import { decomposePRelu, type PReluMode, type PReluReport } from './prelu.js';
import { writeQdq, type QdqOptions, type QdqReport } from './qdq.js';

/** The PRelu mode {@link quantizeModel} uses when none is given. */
export const DEFAULT_PRELU_MODE: PReluMode = 'keep';

/** Options of {@link quantizeModel}. */
export interface QuantizeModelOptions extends QdqOptions {
  /** Opens model bytes on an inference runtime, for calibration and checks. */
  readonly open: OpenModelBytes;
  /** How activation ranges are chosen (default `DEFAULT_RANGE_METHOD`: least squared error). */
  readonly rangeMethod?: RangeMethod;
  /**
   * Keep layers in float, the most sensitive first, until the quantized model's first output has at least
   * this cosine similarity to the float model's on every calibration input (default 0.995, a margin for faces it was not calibrated on; 1 disables the
   * search for {@link QuantizeModelOptions.maxFloatLayers} float layers, 0 keeps no more than asked).
   */
  readonly targetCosine?: number;
  /** The sensitivity of each layer is measured on this many calibration inputs, evenly spread (default 8). */
  readonly sensitivitySamples?: number;
  /** At most this many layers are kept in float by the search (default 8). */
  readonly maxFloatLayers?: number;
  /** What to do with `PRelu` layers (default {@link DEFAULT_PRELU_MODE}); see {@link PReluMode}. */
  readonly prelu?: PReluMode;
  /** Key/value pairs written into the model's `metadata_props` (provenance). */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Progress, in words. */
  readonly onStep?: (message: string) => void;
}

/** A quantized model and how it came about. */
export interface QuantizedModel {
  /** The QDQ model, ONNX bytes. */
  readonly model: Uint8Array;
  readonly report: QdqReport;
  /** The PRelu layers decomposed into integer operations and those kept (all kept in `keep` mode). */
  readonly prelu: PReluReport & { readonly mode: PReluMode };
  /** The quantized model against the float one on the calibration inputs. */
  readonly agreement: Agreement;
  /** The activation ranges measured on the calibration inputs. */
  readonly ranges: ReadonlyMap<string, TensorRange>;
}

/**
 * Static int8 quantization of an ONNX model: runs it on `calibration` (feeds by input name, exactly as the
 * model receives them in use) to measure every activation's range, raises the graph to opset 13 and writes
 * it as a QDQ graph (see {@link writeQdq}). When the result's outputs stray from the float model's below
 * `targetCosine` on some calibration input, layers are kept in float one at a time, the most sensitive
 * first (sensitivity: the mean cosine loss with only that layer quantized; a layer stays float only when
 * that raises the smallest cosine), until the target is met.
 * Runtime-agnostic: `options.open` runs the calibration and the checks.
 */
export async function quantizeModel(
  bytes: Uint8Array,
  calibration: readonly Readonly<Record<string, TensorData>>[],
  options: QuantizeModelOptions,
): Promise<QuantizedModel> {
  const step = options.onStep ?? (() => undefined);
  const mode = options.prelu ?? DEFAULT_PRELU_MODE;
  let source = bytes;
  let prelu: PReluReport = { decomposed: [], kept: [] };
  {
    const model = decodeModel(bytes);
    const graph = model.graph;
    const inits = new Set((graph?.initializer ?? []).map((t) => t.name ?? ''));
    const inputs = new Set((graph?.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n)));
    const all = (graph?.node ?? []).filter((n) => n.opType === 'PRelu').map((n) => n.name || (n.output?.[0] ?? ''));
    if (mode === 'decompose') {
      // The layer reading the graph input stays float (floatInputLayers), so its PRelu stays whole too.
      prelu = decomposePRelu(model, options.floatInputLayers === false ? new Set() : inputs);
      if (prelu.decomposed.length > 0) source = encodeModel(model);
      step(`PRelu: ${prelu.decomposed.length} decomposed into integer operations, ${prelu.kept.length} kept`);
    } else {
      prelu = { decomposed: [], kept: all };
    }
  }
  step(`measuring activation ranges on ${calibration.length} inputs`);
  const ranges = await collectRanges(source, calibration, options.open, options.rangeMethod);
  const ranks = new Map([...ranges].map(([name, r]) => [name, r.rank]));
  const build = (floatNodes: readonly string[]): { model: Uint8Array; report: QdqReport } => {
    const model = decodeModel(source);
    upgradeToQdqOpset(model, ranks);
    const report = writeQdq(model, ranges, { ...options, floatNodes: [...(options.floatNodes ?? []), ...floatNodes] });
    model.producerName = '@pv/quantize';
    const metadata = Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value }));
    model.metadataProps = [...(model.metadataProps ?? []).filter((p) => !(p.key && p.key in (options.metadata ?? {}))), ...metadata];
    return { model: encodeModel(model), report };
  };
  const check = (model: Uint8Array): Promise<Agreement> => compareOutputs(bytes, model, calibration, options.open);

  const target = options.targetCosine ?? 0.995;
  let best = build([]);
  let agreement = await check(best.model);
  step(`all ${best.report.quantized.length} layers int8: smallest cosine to float ${agreement.minCosine.toFixed(4)}`);
  const preluReport = { ...prelu, mode };
  if (agreement.minCosine >= target) return { ...best, prelu: preluReport, agreement, ranges };

  const layers = best.report.quantized;
  const count = Math.min(calibration.length, options.sensitivitySamples ?? 8);
  const probe = Array.from({ length: count }, (_, i) => calibration[Math.floor((i * calibration.length) / count)] as Readonly<Record<string, TensorData>>);
  const sensitivity: { layer: string; loss: number }[] = [];
  for (const layer of layers) {
    const only = build(layers.filter((l) => l !== layer));
    sensitivity.push({ layer, loss: 1 - (await compareOutputs(bytes, only.model, probe, options.open)).meanCosine });
  }
  sensitivity.sort((a, b) => b.loss - a.loss);
  // Most sensitive first; a layer stays float only when that raises the smallest cosine (errors of
  // neighbouring layers partly cancel, so putting one back can make things worse).
  const kept: string[] = [];
  for (const { layer } of sensitivity.slice(0, options.maxFloatLayers ?? 8)) {
    const candidate = build([...kept, layer]);
    const candidateAgreement = await check(candidate.model);
    const better = candidateAgreement.minCosine > agreement.minCosine;
    step(`${layer} in float: smallest cosine to float ${candidateAgreement.minCosine.toFixed(4)}${better ? ', kept' : ', no better: back to int8'}`);
    if (!better) continue;
    kept.push(layer);
    best = candidate;
    agreement = candidateAgreement;
    if (agreement.minCosine >= target) break;
  }
  return { ...best, prelu: preluReport, agreement, ranges };
}
