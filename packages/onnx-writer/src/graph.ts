import { InvalidArgumentError } from '@pv/core';
import type onnxProto from 'onnx-proto';
import { attributeProto, encodeModel, tensorProto, valueInfoProto } from './encode.js';
import type { Attributes, Dim, OnnxDataType, TensorData, ValueRef } from './types.js';

/** Lowest default-domain opset the builder emits. */
export const MIN_OPSET = 13;
/** Highest default-domain opset the builder emits. */
export const MAX_OPSET = 21;

/** Options of {@link OnnxGraph}. */
export interface OnnxGraphOptions {
  /** Graph name (default `graph`). */
  readonly name?: string;
  /** Default-domain opset, {@link MIN_OPSET} to {@link MAX_OPSET} (default 17). */
  readonly opset?: number;
}

/** Options of {@link OnnxGraph.node}. */
export interface NodeOptions {
  /** Base name of the outputs (and the node); made unique by a numeric suffix. Default: the op type. */
  readonly name?: string;
  /** Number of outputs (default 1). */
  readonly outputs?: number;
}

/** Model-level fields written by {@link OnnxGraph.toModel}. */
export interface ModelOptions {
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly docString?: string;
  /** `metadata_props` key/value pairs (e.g. the source file's hash). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The IR version matching an opset (ONNX 1.13 → IR 8 for opsets up to 18, IR 9 for 19–20, IR 10 for 21). */
function irVersionFor(opset: number): number {
  if (opset <= 18) return 8;
  return opset <= 20 ? 9 : 10;
}

/**
 * An ONNX graph under construction: declare inputs and initializers, add nodes (each returns its output
 * values), declare outputs, then {@link toModel} encodes a `ModelProto`. Every value name is unique; node
 * inputs must already exist, so a graph that builds is well-formed (types and shapes are checked by the
 * runtime that loads it). Operator helpers are on {@link OnnxGraphBuilder}.
 */
export class OnnxGraph {
  /** The default-domain opset the model declares. */
  readonly opset: number;
  private readonly name: string;
  private readonly names = new Set<string>();
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];

  constructor(options: OnnxGraphOptions = {}) {
    const opset = options.opset ?? 17;
    if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new InvalidArgumentError(`Unsupported opset ${opset}: use ${MIN_OPSET} to ${MAX_OPSET}`, { opset });
    }
    this.opset = opset;
    this.name = options.name ?? 'graph';
  }

  /** Number of nodes added so far. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Reserves `base` or, when taken, `base_1`, `base_2`, …. */
  protected uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  private claim(name: string): string {
    if (name.length === 0 || this.names.has(name)) throw new InvalidArgumentError(`Value name "${name}" is empty or already used`, { name });
    this.names.add(name);
    return name;
  }

  private known(value: ValueRef): string {
    if (!this.names.has(value.name)) throw new InvalidArgumentError(`Unknown graph value "${value.name}"`, { name: value.name });
    return value.name;
  }

  /** Declares a graph input. String dims are symbolic (dynamic), e.g. `['batch', 3, 160, 160]`. */
  input(name: string, dtype: OnnxDataType, shape: readonly Dim[]): ValueRef {
    this.inputs.push(valueInfoProto(this.claim(name), dtype, shape));
    return { name };
  }

  /** Adds a constant tensor (an initializer) under `name`, made unique. */
  initializer(name: string, tensor: TensorData): ValueRef {
    const count = tensor.dims.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new InvalidArgumentError(`Initializer ${name}: ${tensor.data.length} elements for dims [${tensor.dims.join(', ')}]`, { name });
    }
    const unique = this.uniqueName(name);
    this.initializers.push(tensorProto(unique, tensor));
    return { name: unique };
  }

  /**
   * Adds a node of the default domain and returns its outputs. `undefined` inputs are omitted optional
   * inputs (encoded as empty names); trailing ones are dropped.
   */
  node(opType: string, inputs: readonly (ValueRef | undefined)[], attributes: Attributes = {}, options: NodeOptions = {}): ValueRef[] {
    const inputNames = inputs.map((value) => (value === undefined ? '' : this.known(value)));
    while (inputNames[inputNames.length - 1] === '') inputNames.pop();
    const base = options.name ?? opType;
    const count = options.outputs ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`A node needs at least one output, not ${count}`);
    const outputs = Array.from({ length: count }, (_, i) => this.uniqueName(count === 1 ? base : `${base}_out${i}`));
    this.nodes.push({
      name: outputs[0] as string,
      opType,
      input: inputNames,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
    });
    return outputs.map((name) => ({ name }));
  }

  /**
   * Declares `value` a graph output of this type and shape (`undefined`: rank unknown, left to the
   * runtime); when `name` differs, an Identity names it.
   */
  output(value: ValueRef, dtype: OnnxDataType, shape: readonly Dim[] | undefined, name: string = value.name): void {
    let outputName = this.known(value);
    if (name !== value.name) {
      outputName = this.claim(name);
      this.nodes.push({ name: outputName, opType: 'Identity', input: [value.name], output: [outputName] });
    }
    this.outputs.push(valueInfoProto(outputName, dtype, shape));
  }

  /** Encodes the graph as ONNX `ModelProto` bytes. */
  toModel(options: ModelOptions = {}): Uint8Array {
    if (this.outputs.length === 0) throw new InvalidArgumentError('The graph has no outputs');
    return encodeModel({
      irVersion: irVersionFor(this.opset),
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: options.producerName ?? '@pv/onnx-writer',
      producerVersion: options.producerVersion ?? '',
      docString: options.docString ?? '',
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    });
  }
}
