import { InvalidArgumentError, NotFoundError, type FaceDetector } from '@pv/core';
import { Rfb320Detector, type ModelSourceOptions, type OnnxSessionOptions } from '@pv/embedder-onnx-node';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DetectorSpec, PluginDetectorSpec } from './spec.js';

/** What a detector factory is given: where models come from, the session settings, and its own options. */
export interface DetectorOpenContext {
  /** The models cache (and the process-wide catalog, where imported models are registered). */
  readonly models: ModelSourceOptions;
  /** onnxruntime session options of the spec (one intra-op thread, no spinning, unless told otherwise). */
  readonly session: OnnxSessionOptions;
  /** The detector's options from the spec (plugins: {@link PluginDetectorSpec.options}; built-ins: none). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Opens a detector. A plugin module exports one of these (see {@link PluginDetectorSpec}). */
export type DetectorFactory = (context: DetectorOpenContext) => Promise<FaceDetector>;

/** A detector that `openFaceEncoder` knows by id. */
export interface DetectorKind {
  /** Catalog ids of its models, fetched and verified once in the main thread before any worker starts. */
  readonly models: readonly string[];
  /** What to tell the user when some of those models are not in the catalog (e.g. how to import them). */
  readonly missingMessage: (missing: readonly string[]) => string;
  readonly open: DetectorFactory;
}

/**
 * The built-in detectors, by id. Adding one is adding an entry here (its models and how to open it); a
 * detector living outside pv is named in the spec as a {@link PluginDetectorSpec} instead.
 */
export const DETECTORS: Readonly<Record<string, DetectorKind>> = {
  rfb320: {
    models: ['rfb320', 'landmarks68'],
    missingMessage: (missing) => `The RFB-320 detector's models are missing from the catalog: ${missing.join(', ')}`,
    open: (context) => Rfb320Detector.create({ ...context.session, models: context.models }),
  },
  mtcnn: {
    models: ['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet'],
    missingMessage: (missing) =>
      `MTCNN is not imported (missing ${missing.join(', ')}): import facenet-pytorch's pnet.pt, rnet.pt and onet.pt ` +
      'with `pv models import mtcnn --dir DIR` or importMtcnn() of @pv/mtcnn',
    // Loaded only when asked for: MTCNN brings its own importer and networks.
    open: async (context) => (await import('@pv/mtcnn')).MtcnnDetector.create({ ...context.session, models: context.models }),
  },
};

/** The detector's id as reported before it is opened (a plugin: `module#export`). */
export function detectorLabel(spec: DetectorSpec): string {
  return typeof spec === 'string' ? spec : `${spec.module}#${spec.export}`;
}

/** The catalog ids a detector spec needs. Throws `E_INVALID_ARGUMENT` for an unknown built-in id. */
export function detectorModels(spec: DetectorSpec): readonly string[] {
  if (typeof spec !== 'string') return spec.models ?? [];
  return builtInDetector(spec).models;
}

/** What to tell the user when some of a detector's models are missing. */
export function detectorMissingMessage(spec: DetectorSpec, missing: readonly string[]): string {
  if (typeof spec === 'string') return builtInDetector(spec).missingMessage(missing);
  return `The detector plugin ${spec.module} needs models that are not imported: ${missing.join(', ')}`;
}

function builtInDetector(id: string): DetectorKind {
  const kind = Object.hasOwn(DETECTORS, id) ? DETECTORS[id] : undefined;
  if (!kind) {
    throw new InvalidArgumentError(`Unknown detector "${id}"; known detectors: ${Object.keys(DETECTORS).join(', ')} (or a plugin { module, export })`, {
      detector: id,
      known: Object.keys(DETECTORS),
    });
  }
  return kind;
}

/** Opens the detector a spec names: a built-in one by id, or a plugin's factory. */
export async function openDetector(spec: DetectorSpec, context: Omit<DetectorOpenContext, 'options'>): Promise<FaceDetector> {
  if (typeof spec === 'string') return builtInDetector(spec).open({ ...context, options: {} });
  const factory = await loadPluginFactory(spec);
  return factory({ ...context, options: spec.options ?? {} });
}

async function loadPluginFactory(spec: PluginDetectorSpec): Promise<DetectorFactory> {
  const specifier = isAbsolute(spec.module) ? pathToFileURL(spec.module).href : spec.module;
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotFoundError(`Cannot import the detector plugin ${spec.module}: ${reason}`, { module: spec.module });
  }
  const factory = loaded[spec.export];
  if (typeof factory !== 'function') {
    throw new InvalidArgumentError(`The detector plugin ${spec.module} has no function export "${spec.export}"`, {
      module: spec.module,
      export: spec.export,
    });
  }
  return factory as DetectorFactory;
}
