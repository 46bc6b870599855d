import {
  EXPRESSIONS,
  InvalidArgumentError,
  type AlignmentSpec,
  type AnalysisKind,
  type Box,
  type Expression,
  type EyeState,
  type FaceAnalysis,
  type FaceAnalyzer,
  type FaceDetection,
  type FaceQuality,
  type RgbImage,
} from '@pv/core';
import { mobilefacenet, type AnalysisModelEntry, type AnalysisModelKind } from '@pv/models';
import { alignFace, cropImage, grayStats, laplacianVariance, packTensor, resizeImage } from '@pv/vision';
import { analysisCropRegion, eyeRegions } from './analysis-crop.js';
import { binnedAngle, softmax, ssrMerge } from './analysis-outputs.js';
import { imageInputSpec, type ImageInputSpec } from './input-spec.js';
import { Landmarks68, type Landmarks68Settings } from './landmarks68.js';
import type { ModelRuntime, OpenedModel } from './model-runtime.js';
import { SerialQueue } from './serial-queue.js';
import { outputValues, type TensorRunner } from './tensor-runner.js';

/**
 * The crop the `quality` measures are taken on: the ArcFace 112x112 five-point alignment the default
 * embedder uses, so sharpness, brightness and contrast describe what recognition sees, at one fixed size.
 */
export const QUALITY_ALIGNMENT: AlignmentSpec = mobilefacenet.alignment;

const MODEL_KINDS: readonly AnalysisModelKind[] = ['liveness', 'pose', 'eyes', 'age', 'gender', 'expression'];

/** Settings of {@link FaceAnalyzerModels.open}. */
export interface FaceAnalyzerSettings {
  /** The analyses to make available (default: all); only their models are opened. */
  readonly kinds?: readonly AnalysisKind[];
  /** Catalog ids per analysis model (default: the analysis name, e.g. `liveness`). */
  readonly modelIds?: Partial<Readonly<Record<AnalysisModelKind, string>>>;
  /** The landmark model the eye analysis locates eyes with (default catalog id `landmarks68`). */
  readonly landmarks?: Landmarks68Settings;
  /** Liveness score at or above which a face is live (default: the catalog entry's decision threshold). */
  readonly livenessThreshold?: number;
}

interface LoadedModel {
  readonly entry: AnalysisModelEntry;
  readonly runner: TensorRunner;
  readonly input: ImageInputSpec;
  readonly buffer: Float32Array;
}

/**
 * `@pv/core`'s {@link FaceAnalyzer} over catalog analysis models on any {@link ModelRuntime}: written once,
 * run on onnxruntime-node and onnxruntime-web. Each model gets what its catalog entry says (crop, size,
 * colour order, normalisation); `quality` needs no model (see {@link measureFaceQuality}).
 */
export class FaceAnalyzerModels implements FaceAnalyzer {
  readonly kinds: readonly AnalysisKind[];
  readonly #models: ReadonlyMap<AnalysisModelKind, LoadedModel>;
  readonly #landmarks: Landmarks68 | undefined;
  readonly #livenessThreshold: number;
  readonly #queue = new SerialQueue();

  /**
   * Wraps opened models (usually {@link FaceAnalyzerModels.open} does this). `landmarks` is needed when the
   * `eyes` model is given. Throws `E_INVALID_ARGUMENT` when a model is not the analysis it is given for.
   */
  constructor(models: ReadonlyMap<AnalysisModelKind, OpenedModel<'analysis'>>, landmarks?: Landmarks68, livenessThreshold?: number) {
    const loaded = new Map<AnalysisModelKind, LoadedModel>();
    for (const [kind, { entry, runner }] of models) {
      if (entry.analysis !== kind) {
        throw new InvalidArgumentError(`Model "${entry.id}" is a ${entry.analysis} model, not a ${kind} model`, { id: entry.id, kind });
      }
      const input = imageInputSpec(entry);
      loaded.set(kind, { entry, runner, input, buffer: new Float32Array(input.length) });
    }
    if (loaded.has('eyes') && !landmarks) throw new InvalidArgumentError('The eyes analysis needs a 68-point landmark model', {});
    this.#models = loaded;
    this.#landmarks = landmarks;
    this.#livenessThreshold = livenessThreshold ?? loaded.get('liveness')?.entry.decision?.threshold ?? 0.5;
    this.kinds = [...MODEL_KINDS.filter((k) => loaded.has(k)), 'quality'];
  }

  /** Opens the models of the asked-for analyses on `runtime` (the landmark model on `landmarksRuntime`). */
  static async open(runtime: ModelRuntime, settings: FaceAnalyzerSettings = {}, landmarksRuntime: ModelRuntime = runtime): Promise<FaceAnalyzerModels> {
    const wanted = MODEL_KINDS.filter((k) => settings.kinds === undefined || settings.kinds.includes(k));
    const opened = new Map<AnalysisModelKind, OpenedModel<'analysis'>>();
    let landmarks: Landmarks68 | undefined;
    try {
      for (const kind of wanted) opened.set(kind, await runtime.open(settings.modelIds?.[kind] ?? kind, 'analysis'));
      if (wanted.includes('eyes')) landmarks = await Landmarks68.open(landmarksRuntime, settings.landmarks);
      return new FaceAnalyzerModels(opened, landmarks, settings.livenessThreshold);
    } catch (error) {
      await Promise.allSettled([...[...opened.values()].map((m) => m.runner.close()), landmarks?.close()]);
      throw error;
    }
  }

  /** Runs the asked-for analyses on one detected face. `E_INVALID_ARGUMENT` for a kind this analyzer was not opened with. */
  async analyze(image: RgbImage, detection: FaceDetection, kinds: readonly AnalysisKind[]): Promise<FaceAnalysis> {
    const unavailable = kinds.filter((k) => !this.kinds.includes(k));
    if (unavailable.length > 0) {
      throw new InvalidArgumentError(`This analyzer was not opened with ${unavailable.join(', ')}`, { unavailable, available: [...this.kinds] });
    }
    const result: { -readonly [K in keyof FaceAnalysis]: FaceAnalysis[K] } = {};
    const box = detection.box;
    for (const kind of kinds) {
      switch (kind) {
        case 'quality':
          result.quality = measureFaceQuality(image, detection);
          break;
        case 'liveness': {
          const p = softmax(await this.#runBox('liveness', image, box, 'output'));
          const score = p[0]!;
          result.liveness = { score, threshold: this.#livenessThreshold, live: score >= this.#livenessThreshold };
          break;
        }
        case 'pose': {
          const outputs = await this.#run('pose', image, this.#boxRegion('pose', image, box));
          const [yaw, pitch, roll] = this.#model('pose').entry.outputs.map((o) => binnedAngle(outputValues(outputs, o.name, 'pose', 66)));
          result.pose = { yaw: yaw!, pitch: pitch!, roll: roll! };
          break;
        }
        case 'eyes':
          result.eyes = await this.#eyes(image, box);
          break;
        case 'age':
          result.age = { years: ssrMerge(await this.#ssr('age', image, box), 101) };
          break;
        case 'gender': {
          const score = ssrMerge(await this.#ssr('gender', image, box), 1);
          const threshold = this.#model('gender').entry.decision?.threshold ?? 0.5;
          const male = score >= threshold;
          const confidence = Math.min(1, 0.5 + Math.abs(score - threshold));
          result.gender = { gender: male ? 'male' : 'female', confidence };
          break;
        }
        case 'expression': {
          const p = softmax(await this.#runBox('expression', image, box, 'output'));
          const probabilities = Object.fromEntries(EXPRESSIONS.map((e, i) => [e, p[i]!])) as Record<Expression, number>;
          const best = EXPRESSIONS.reduce((a, b) => (probabilities[b] > probabilities[a] ? b : a));
          result.expression = { expression: best, probabilities };
          break;
        }
      }
    }
    return result;
  }

  /** Frees every model. */
  async close(): Promise<void> {
    await Promise.all([...[...this.#models.values()].map((m) => m.runner.close()), this.#landmarks?.close()]);
  }

  #model(kind: AnalysisModelKind): LoadedModel {
    return this.#models.get(kind)!;
  }

  #boxRegion(kind: AnalysisModelKind, image: RgbImage, box: Box): Box {
    const crop = this.#model(kind).entry.crop;
    if (crop.kind === 'eyes') throw new InvalidArgumentError(`Model "${this.#model(kind).entry.id}" has an eye crop, not a box crop`, {});
    return analysisCropRegion(crop, box, image.width, image.height);
  }

  async #runBox(kind: AnalysisModelKind, image: RgbImage, box: Box, output: string): Promise<Float32Array> {
    const outputs = await this.#run(kind, image, this.#boxRegion(kind, image, box));
    return outputValues(outputs, output, this.#model(kind).entry.id);
  }

  async #ssr(kind: 'age' | 'gender', image: RgbImage, box: Box): Promise<Parameters<typeof ssrMerge>[0]> {
    const o = await this.#run(kind, image, this.#boxRegion(kind, image, box));
    const id = this.#model(kind).entry.id;
    const v = (name: string, n: number): Float32Array => outputValues(o, name, id, n);
    return {
      probabilities: [v('prob_stage_1', 3), v('prob_stage_2', 3), v('prob_stage_3', 3)],
      offsets: [v('index_offset_stage1', 3), v('index_offset_stage2', 3), v('index_offset_stage3', 3)],
      deltas: [v('stage1_delta_k', 1)[0]!, v('stage2_delta_k', 1)[0]!, v('stage3_delta_k', 1)[0]!],
    };
  }

  async #eyes(image: RgbImage, box: Box): Promise<{ left: EyeState; right: EyeState; bothOpen: boolean }> {
    const model = this.#model('eyes');
    const crop = model.entry.crop;
    const padding = crop.kind === 'eyes' ? crop.padding : 1.6;
    const points = await this.#landmarks!.points(image, box);
    const [leftBox, rightBox] = eyeRegions(points, padding, image.width, image.height);
    const state = async (region: Box): Promise<EyeState> => {
      const p = softmax(outputValues(await this.#run('eyes', image, region), 'output', model.entry.id, 2));
      return { openProbability: p[1]!, open: p[1]! >= 0.5 };
    };
    const left = await state(leftBox);
    const right = await state(rightBox);
    return { left, right, bothOpen: left.open && right.open };
  }

  #run(kind: AnalysisModelKind, image: RgbImage, region: Box): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
    const { runner, input, buffer } = this.#model(kind);
    return this.#queue.run(async () => {
      const { name, channels, width, height, normalization } = input;
      packTensor(resizeImage(cropImage(image, region), width, height), buffer, 0, normalization);
      return runner.run({ [name]: { data: buffer, dims: [1, channels, height, width] } });
    });
  }
}

/**
 * The measured quality of one face (pure): box size and detector score from the detection; sharpness
 * (Laplacian variance), brightness (mean luma) and contrast (luma standard deviation) on the
 * {@link QUALITY_ALIGNMENT} crop.
 */
export function measureFaceQuality(image: RgbImage, detection: FaceDetection): FaceQuality {
  const crop = alignFace(image, detection, QUALITY_ALIGNMENT);
  const { mean, std } = grayStats(crop);
  return {
    faceSize: Math.min(detection.box.width, detection.box.height),
    detectorScore: detection.score,
    sharpness: laplacianVariance(crop),
    brightness: mean,
    contrast: std,
  };
}
