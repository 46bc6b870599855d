import { Landmarks68 as Landmarks68Model, type Landmarks68Settings } from '@pv/face-models';
import type { ModelSourceOptions } from './model-files.js';
import { onnxNodeRuntime } from './node-runtime.js';
import type { OnnxSessionOptions } from './session.js';

/** Options of {@link Landmarks68.create}. */
export interface Landmarks68Options extends OnnxSessionOptions, Landmarks68Settings {
  readonly models?: ModelSourceOptions;
}

/**
 * `@pv/face-models`' {@link Landmarks68Model | Landmarks68} (the 68-point landmark model reduced to five
 * points) on onnxruntime-node.
 */
export class Landmarks68 extends Landmarks68Model {
  /** Opens the model (fetching and verifying its file when needed). */
  static create(options: Landmarks68Options = {}): Promise<Landmarks68> {
    return this.open(onnxNodeRuntime(options), options);
  }
}
