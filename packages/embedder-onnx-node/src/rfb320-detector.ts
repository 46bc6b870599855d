import { Rfb320Detector as Rfb320DetectorModel, type Rfb320Settings } from '@pv/face-models';
import type { Landmarks68Options } from './landmarks68.js';
import type { ModelSourceOptions } from './model-files.js';
import { onnxNodeRuntime } from './node-runtime.js';
import type { OnnxSessionOptions } from './session.js';

/** Options of {@link Rfb320Detector.create}. */
export interface Rfb320DetectorOptions extends OnnxSessionOptions, Rfb320Settings {
  /** Catalog id of the detector (default `rfb320`). */
  readonly model?: string;
  /** Options of the landmark model (default: catalog id `landmarks68`, same session options). */
  readonly landmarks?: Landmarks68Options;
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/face-models`' {@link Rfb320DetectorModel | Rfb320Detector} (RFB-320 face boxes plus 68-point
 * landmarks reduced to five) on onnxruntime-node.
 */
export class Rfb320Detector extends Rfb320DetectorModel {
  /** Opens the detector and landmark models (fetching and verifying their files when needed). */
  static create(options: Rfb320DetectorOptions = {}): Promise<Rfb320Detector> {
    const landmarks: Landmarks68Options = {
      intraOpNumThreads: options.intraOpNumThreads,
      interOpNumThreads: options.interOpNumThreads,
      executionMode: options.executionMode,
      allowSpinning: options.allowSpinning,
      graphOptimizationLevel: options.graphOptimizationLevel,
      ...options.landmarks,
      models: options.landmarks?.models ?? options.models,
    };
    return this.open(onnxNodeRuntime(options), { ...options, landmarks }, onnxNodeRuntime(landmarks));
  }
}
