import { getModel, type ModelTask } from '@pv/models';
import type { ModelRuntime, OpenedModel } from './model-runtime.js';
import type { TensorData, TensorRunner } from './tensor-runner.js';

/** Computes a fake network's outputs from its inputs. */
export type FakeNetwork = (inputs: Readonly<Record<string, TensorData>>) => Record<string, TensorData>;

/** A {@link TensorRunner} over a plain function; records copies of its inputs and whether it was closed. */
export class FakeRunner implements TensorRunner {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly calls: Record<string, TensorData>[] = [];
  closed = false;
  readonly #network: FakeNetwork;

  constructor(inputNames: readonly string[], outputNames: readonly string[], network: FakeNetwork) {
    this.inputNames = inputNames;
    this.outputNames = outputNames;
    this.#network = network;
  }

  async run(inputs: Readonly<Record<string, TensorData>>): Promise<Record<string, TensorData>> {
    const copy: Record<string, TensorData> = {};
    for (const [name, input] of Object.entries(inputs)) copy[name] = { data: Float32Array.from(input.data), dims: [...input.dims] };
    this.calls.push(copy);
    return this.#network(inputs);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A runtime that opens the catalog's entries over fake networks, by model id; it keeps every runner it made. */
export class FakeRuntime implements ModelRuntime {
  readonly runners: Record<string, FakeRunner> = {};
  readonly #networks: Readonly<Record<string, FakeNetwork>>;

  constructor(networks: Readonly<Record<string, FakeNetwork>>) {
    this.#networks = networks;
  }

  async open<T extends ModelTask>(id: string, task: T): Promise<OpenedModel<T>> {
    const entry = getModel(id);
    const network = this.#networks[id];
    if (entry.task !== task || !network) throw new Error(`the fake runtime has no ${task} model "${id}"`);
    const runner = new FakeRunner(
      entry.inputs.map((i) => i.name),
      entry.outputs.map((o) => o.name),
      network,
    );
    this.runners[id] = runner;
    return { entry: entry as OpenedModel<T>['entry'], runner };
  }
}

/** A 1-d output tensor. */
export function tensor(values: ArrayLike<number>): TensorData {
  return { data: Float32Array.from(values), dims: [values.length] };
}
