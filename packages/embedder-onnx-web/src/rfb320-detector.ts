import { Rfb320Detector as Rfb320DetectorModel, type Rfb320OpenSettings } from '@pv/face-models';
import { onnxWebRuntime, type OnnxWebRuntimeOptions } from './web-runtime.js';

/** Options of {@link Rfb320Detector.create}: where models come from, which ones, and face selection. */
export interface Rfb320DetectorOptions extends OnnxWebRuntimeOptions, Rfb320OpenSettings {}

/**
 * `@pv/face-models`' {@link Rfb320DetectorModel | Rfb320Detector} (RFB-320 face boxes plus 68-point
 * landmarks reduced to five) on onnxruntime-web.
 */
export class Rfb320Detector extends Rfb320DetectorModel {
  /** Fetches, verifies and opens the detector and landmark models. */
  static create(options: Rfb320DetectorOptions): Promise<Rfb320Detector> {
    return this.open(onnxWebRuntime(options), options);
  }
}
