import { Landmarks68 as Landmarks68Model, type Landmarks68Settings } from '@pv/face-models';
import { onnxWebRuntime, type OnnxWebRuntimeOptions } from './web-runtime.js';

/** Options of {@link Landmarks68.create}. */
export interface Landmarks68Options extends OnnxWebRuntimeOptions, Landmarks68Settings {}

/**
 * `@pv/face-models`' {@link Landmarks68Model | Landmarks68} (the 68-point landmark model reduced to five
 * points) on onnxruntime-web.
 */
export class Landmarks68 extends Landmarks68Model {
  /** Fetches, verifies and opens the model. */
  static create(options: Landmarks68Options): Promise<Landmarks68> {
    return this.open(onnxWebRuntime(options), options);
  }
}
