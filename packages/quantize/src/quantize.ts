import type { TensorData } from '@pv/face-models';
import { decodeModel, encodeModel } from '@pv/onnx-writer';
import { compareOutputs, type Agreement } from './agreement.js';
import { collectChannelMeans, collectRanges, type OpenModelBytes, type RangeMethod, type TensorRange } from './calibrate.js';
import { upgradeToQdqOpset } from './opset.js';
import { decomposePRelu, type PReluMode, type PReluReport } from './prelu.js';
import { writeQdq, type QdqConvOutput, type QdqOptions, type QdqReport } from './qdq.js';

/** The PRelu mode {@link quantizeModel} uses when none is given. */
export const DEFAULT_PRELU_MODE: PReluMode = 'keep';

/**
 * How the quantizer corrects the shift of convolution outputs' means that quantization causes:
 * - `weights`: from the weight rounding alone and each input channel's float mean (Nagel et al. 2019,
 *   data-free bias correction);
 * - `empirical`: that, then the int8 graph runs on the calibration inputs and each int8 convolution's
 *   per-channel output mean is moved onto the float graph's (Finkelstein et al. 2019; Banner et al. 2019),
 *   which also removes the shifts that activation rounding and clipping cause and those inherited from the
 *   layers before; one depth of the convolution graph at a time, so that each layer is corrected after
 *   the layers it reads from;
 * - `none`: biases as they are.
 */
export type BiasCorrection = 'empirical' | 'weights' | 'none';

/** The bias corrections, for option parsing. */
export const BIAS_CORRECTIONS: readonly BiasCorrection[] = ['empirical', 'weights', 'none'];

/** The bias correction {@link quantizeModel} uses when none is given. */
export const DEFAULT_BIAS_CORRECTION: BiasCorrection = 'weights';

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
  /** How convolution biases are corrected for quantization (default {@link DEFAULT_BIAS_CORRECTION}). */
  readonly biasCorrection?: BiasCorrection;
  /** Empirical bias correction measures output means on this many calibration inputs, evenly spread (default 64). */
  readonly biasCorrectionSamples?: number;
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
    const model = decodeModel(source);
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
  const correction = options.biasCorrection ?? DEFAULT_BIAS_CORRECTION;
  let shifts = new Map<string, Float32Array>();
  const build = (floatNodes: readonly string[]): { model: Uint8Array; report: QdqReport } => {
    const model = decodeModel(source);
    upgradeToQdqOpset(model, ranks);
    const report = writeQdq(model, ranges, {
      ...options,
      floatNodes: [...(options.floatNodes ?? []), ...floatNodes],
      weightBiasCorrection: correction !== 'none',
      biasShifts: shifts,
    });
    model.producerName = '@pv/quantize';
    const metadata = Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value }));
    model.metadataProps = [...(model.metadataProps ?? []).filter((p) => !(p.key && p.key in (options.metadata ?? {}))), ...metadata];
    return { model: encodeModel(model), report };
  };
  const check = (model: Uint8Array): Promise<Agreement> => compareOutputs(bytes, model, calibration, options.open);

  // Empirical bias correction: move each int8 convolution's output means onto the float graph's, one depth
  // of the convolution graph at a time (a layer is corrected once the layers before it are: correcting all at
  // once double-counts the shifts they inherit, and the corrections then grow instead of settling).
  const correct = async (floatNodes: readonly string[]): Promise<void> => {
    const first = build(floatNodes);
    const depth = convDepths(first.model, first.report.convOutputs);
    const convs = first.report.convOutputs.filter((c) => ranges.get(c.floatOutput)?.channelMeans?.length === c.channels);
    const levels = Math.max(0, ...convs.map((c) => depth.get(c.node) ?? 0));
    let largest = 0;
    for (let level = 1; level <= levels; level++) {
      const now = convs.filter((c) => depth.get(c.node) === level);
      if (now.length === 0) continue;
      const built = level === 1 ? first : build(floatNodes);
      const means = await collectChannelMeans(built.model, now.map((c) => c.output), meanProbe, options.open);
      const next = new Map(shifts);
      for (const conv of now) {
        const reference = ranges.get(conv.floatOutput)?.channelMeans as Float32Array;
        const measured = means.get(conv.output) as Float32Array;
        const shift = Float32Array.from(next.get(conv.node) ?? new Float32Array(conv.channels));
        for (let c = 0; c < conv.channels; c++) {
          const d = (reference[c] as number) - (measured[c] as number);
          shift[c] = (shift[c] as number) + d;
          largest = Math.max(largest, Math.abs(d));
        }
        next.set(conv.node, shift);
      }
      shifts = next;
    }
    step(`empirical bias correction: ${convs.length} convolutions in ${levels} steps, largest output mean shift removed ${largest.toPrecision(3)}`);
  };
  const probeCount = Math.min(calibration.length, options.biasCorrectionSamples ?? 64);
  const meanProbe = Array.from({ length: probeCount }, (_, i) => calibration[Math.floor((i * calibration.length) / probeCount)] as Readonly<Record<string, TensorData>>);
  const empirical = correction === 'empirical';
  if (empirical) await correct([]);

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
  if (kept.length > 0 && empirical) {
    // The corrections were measured with every layer int8: settle them for the layers now float.
    const before = shifts;
    shifts = new Map();
    await correct(kept);
    const settled = build(kept);
    const settledAgreement = await check(settled.model);
    step(`bias correction settled for ${kept.length} float layers: smallest cosine to float ${settledAgreement.minCosine.toFixed(4)}`);
    if (settledAgreement.minCosine > agreement.minCosine) {
      best = settled;
      agreement = settledAgreement;
    } else {
      shifts = before;
    }
  }
  return { ...best, prelu: preluReport, agreement, ranges };
}

/**
 * Each int8 convolution's depth in a QDQ graph: 1 for one that no other int8 convolution precedes, else one
 * more than the deepest int8 convolution on any path to its input (nodes must be in topological order).
 */
function convDepths(bytes: Uint8Array, convs: readonly QdqConvOutput[]): Map<string, number> {
  const byOutput = new Map(convs.map((c) => [c.output, c.node]));
  const level = new Map<string, number>();
  const depths = new Map<string, number>();
  for (const node of decodeModel(bytes).graph?.node ?? []) {
    const inherited = Math.max(0, ...(node.input ?? []).map((i) => level.get(i) ?? 0));
    for (const output of node.output ?? []) {
      const conv = byOutput.get(output);
      if (conv !== undefined) depths.set(conv, inherited + 1);
      level.set(output, conv !== undefined ? inherited + 1 : inherited);
    }
  }
  return depths;
}
