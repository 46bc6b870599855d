import { InvalidArgumentError, type AlignmentSpec, type Point, type ThresholdSpec } from '@pv/core';
import {
  PIPELINE_DETECTORS,
  type AnalysisCrop,
  type AnalysisModelEntry,
  type CalibrationRecord,
  type ColourOrder,
  type ConvertedNpmModelSource,
  type FarThresholdSpec,
  type LocalModelSource,
  type ModelEntry,
  type ModelEntryBase,
  type ModelInput,
  type ModelOutput,
  type ModelSource,
  type NpmModelSource,
  type OriginalWeights,
  type PinnedPackageFile,
  type ThresholdCalibration,
} from './types.js';

/** Model ids: lowercase letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters. */
export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/u;

const SHA256_PATTERN = /^[0-9a-f]{64}$/u;
const SHA512_INTEGRITY_PATTERN = /^sha512-[A-Za-z0-9+/]{86}==$/u;
const EXACT_VERSION_PATTERN = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/u;

type Json = Record<string, unknown>;

/**
 * Checks that `value` is a well-formed {@link ModelEntry} (for example one read from a JSON file) and
 * returns it typed. Throws `E_INVALID_ARGUMENT` naming the first bad field.
 */
export function parseModelEntry(value: unknown): ModelEntry {
  const o = object(value, 'entry');
  const id = string(o, 'id');
  if (!MODEL_ID_PATTERN.test(id)) fail('id', `must match ${String(MODEL_ID_PATTERN)}`);
  const base: ModelEntryBase = {
    id,
    task: oneOf(o, 'task', ['detector', 'landmarks', 'embedder', 'analysis'] as const),
    description: string(o, 'description'),
    format: oneOf(o, 'format', ['onnx'] as const),
    source: parseSource(o.source),
    inputs: array(o, 'inputs').map((v, i) => parseInput(v, `inputs[${i}]`)),
    outputs: array(o, 'outputs').map((v, i) => parseOutput(v, `outputs[${i}]`)),
    licence: string(o, 'licence'),
  };
  if (base.inputs.length === 0) fail('inputs', 'must list at least one input');
  if (base.outputs.length === 0) fail('outputs', 'must list at least one output');
  switch (base.task) {
    case 'detector':
      return { ...base, task: 'detector' };
    case 'analysis':
      return parseAnalysisEntry(base, o);
    case 'landmarks': {
      const groups = array(o, 'fivePointIndices');
      const pointCount = positiveInteger(o, 'pointCount');
      if (groups.length !== 5) fail('fivePointIndices', 'must hold five groups');
      const parsed = groups.map((g, i) => {
        if (!Array.isArray(g) || g.length === 0) fail(`fivePointIndices[${i}]`, 'must be a non-empty array');
        return g.map((index: unknown) => {
          if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= pointCount) {
            fail(`fivePointIndices[${i}]`, `indices must be integers in 0..${pointCount - 1}`);
          }
          return index as number;
        });
      });
      const [a, b, c, d, e] = parsed as [number[], number[], number[], number[], number[]];
      return { ...base, task: 'landmarks', pointCount, fivePointIndices: [a, b, c, d, e] };
    }
    case 'embedder': {
      const thresholds = array(o, 'thresholds').map((v, i) => parseThreshold(v, `thresholds[${i}]`));
      const recommendedMetric = string(o, 'recommendedMetric');
      if (thresholds[0]?.metric !== recommendedMetric) {
        fail('thresholds', `the first threshold must be in the recommended metric "${recommendedMetric}"`);
      }
      return {
        ...base,
        task: 'embedder',
        ...(o.detector === undefined ? {} : { detector: oneOf(o, 'detector', PIPELINE_DETECTORS) }),
        dimension: positiveInteger(o, 'dimension'),
        alignment: parseAlignment(o.alignment),
        recommendedMetric,
        thresholds,
        thresholdStatus: oneOf(o, 'thresholdStatus', ['provisional', 'calibrated'] as const),
        ...(o.farThresholds === undefined ? {} : { farThresholds: array(o, 'farThresholds').map((v, i) => parseFarThreshold(v, `farThresholds[${i}]`)) }),
        ...(o.calibratedOn !== undefined ? { calibratedOn: parseThresholdCalibration(o.calibratedOn) } : {}),
      };
    }
  }
}

function parseSource(value: unknown): ModelSource {
  const o = object(value, 'source');
  const kind = oneOf(o, 'kind', ['npm', 'local', 'npm-converted'] as const, 'source.');
  const { sha256, size } = parsePin(o, 'source.');
  if (kind === 'local') {
    const local: LocalModelSource = { kind, file: string(o, 'file', 'source.'), sha256, size };
    return {
      ...local,
      ...(o.convertedFrom === undefined ? {} : { convertedFrom: parseOriginalWeights(o.convertedFrom) }),
      ...(o.calibration === undefined ? {} : { calibration: parseCalibration(o.calibration) }),
    };
  }
  const pkg = {
    package: string(o, 'package', 'source.'),
    version: string(o, 'version', 'source.'),
    integrity: string(o, 'integrity', 'source.'),
  };
  if (!EXACT_VERSION_PATTERN.test(pkg.version)) fail('source.version', 'must be an exact version');
  if (!SHA512_INTEGRITY_PATTERN.test(pkg.integrity)) fail('source.integrity', 'must be a sha512 integrity string');
  if (kind === 'npm') {
    const npm: NpmModelSource = { kind, ...pkg, path: packagePath(string(o, 'path', 'source.'), 'source.path'), sha256, size };
    return npm;
  }
  const files = array(o, 'files', 'source.').map((f, i): PinnedPackageFile => {
    const where = `source.files[${i}]`;
    const fo = object(f, where);
    return { path: packagePath(string(fo, 'path', `${where}.`), `${where}.path`), ...parsePin(fo, `${where}.`) };
  });
  if (files.length === 0) fail('source.files', 'must list at least one file');
  const file = string(o, 'file', 'source.');
  if (file.includes('/') || file.includes('\\') || file === '.' || file === '..') fail('source.file', 'must be a plain file name');
  const converted: ConvertedNpmModelSource = { kind, ...pkg, files, converter: string(o, 'converter', 'source.'), file, sha256, size };
  return converted;
}

function parseOriginalWeights(value: unknown): OriginalWeights {
  const prefix = 'source.convertedFrom.';
  const o = object(value, 'source.convertedFrom');
  const weights: OriginalWeights = { file: string(o, 'file', prefix), ...parsePin(o, prefix), format: string(o, 'format', prefix) };
  if (o.url === undefined) return weights;
  const url = string(o, 'url', prefix);
  if (!/^https?:\/\/[^/]/u.test(url)) fail(`${prefix}url`, 'must be an http(s) URL');
  return { ...weights, url };
}

function parseCalibration(value: unknown): CalibrationRecord {
  const prefix = 'source.calibration.';
  const o = object(value, 'source.calibration');
  const sha256 = string(o, 'sha256', prefix);
  if (!SHA256_PATTERN.test(sha256)) fail(`${prefix}sha256`, 'must be 64 lowercase hex digits');
  return { images: positiveInteger(o, 'images', prefix), samples: positiveInteger(o, 'samples', prefix), sha256, origin: string(o, 'origin', prefix) };
}

function parsePin(o: Json, prefix: string): { sha256: string; size: number } {
  const sha256 = string(o, 'sha256', prefix);
  if (!SHA256_PATTERN.test(sha256)) fail(`${prefix}sha256`, 'must be 64 lowercase hex digits');
  return { sha256, size: positiveInteger(o, 'size', prefix) };
}

function packagePath(path: string, field: string): string {
  if (path.startsWith('/') || path.split('/').includes('..')) fail(field, 'must be relative to the package root');
  return path;
}

function parseInput(value: unknown, where: string): ModelInput {
  const o = object(value, where);
  const prefix = `${where}.`;
  const colour: ColourOrder = oneOf(o, 'colour', ['rgb', 'bgr', 'gray'] as const, prefix);
  const normalisation = object(o.normalisation, `${prefix}normalisation`);
  const mean = numbers(normalisation, 'mean', `${prefix}normalisation.`);
  const std = numbers(normalisation, 'std', `${prefix}normalisation.`);
  const channels = colour === 'gray' ? 1 : 3;
  if (mean.length !== channels || std.length !== channels) {
    fail(`${prefix}normalisation`, `needs ${channels} mean and std value(s) for ${colour}`);
  }
  if (std.some((s) => s === 0)) fail(`${prefix}normalisation.std`, 'must not contain 0');
  return {
    name: string(o, 'name', prefix),
    shape: shape(o, prefix),
    layout: oneOf(o, 'layout', ['NCHW', 'NHWC'] as const, prefix),
    colour,
    normalisation: { mean, std },
    preparation: string(o, 'preparation', prefix),
  };
}

function parseOutput(value: unknown, where: string): ModelOutput {
  const o = object(value, where);
  const prefix = `${where}.`;
  return { name: string(o, 'name', prefix), shape: shape(o, prefix), meaning: string(o, 'meaning', prefix) };
}

function parseThreshold(value: unknown, where: string): ThresholdSpec {
  const o = object(value, where);
  return { metric: string(o, 'metric', `${where}.`), value: finite(o, 'value', `${where}.`) };
}

function parseThresholdCalibration(value: unknown): ThresholdCalibration {
  const o = object(value, 'calibratedOn');
  return { dataset: string(o, 'dataset', 'calibratedOn.'), pairs: positiveInteger(o, 'pairs', 'calibratedOn.') };
}

function parseAlignment(value: unknown): AlignmentSpec {
  const o = object(value, 'alignment');
  const kind = oneOf(o, 'kind', ['similarity-5pt', 'box-crop'] as const, 'alignment.');
  const width = positiveInteger(o, 'width', 'alignment.');
  const height = positiveInteger(o, 'height', 'alignment.');
  if (kind === 'box-crop') {
    const square = o.square;
    if (typeof square !== 'boolean') fail('alignment.square', 'must be a boolean');
    const margin = finite(o, 'margin', 'alignment.');
    if (margin < 0) fail('alignment.margin', 'must not be negative');
    return { kind, width, height, margin, square };
  }
  const points = array(o, 'template', 'alignment.').map((p, i): Point => {
    const po = object(p, `alignment.template[${i}]`);
    return { x: finite(po, 'x', `alignment.template[${i}].`), y: finite(po, 'y', `alignment.template[${i}].`) };
  });
  const [a, b, c, d, e] = points;
  if (points.length !== 5 || !a || !b || !c || !d || !e) fail('alignment.template', 'must hold five points');
  return { kind, width, height, template: [a, b, c, d, e] };
}

function fail(field: string, problem: string): never {
  throw new InvalidArgumentError(`Invalid model entry: ${field} ${problem}`, { field });
}

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object');
  return value as Json;
}

function string(o: Json, key: string, prefix = ''): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0) fail(prefix + key, 'must be a non-empty string');
  return v;
}

function oneOf<const T extends string>(o: Json, key: string, allowed: readonly T[], prefix = ''): T {
  const v = o[key];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(prefix + key, `must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function finite(o: Json, key: string, prefix = ''): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(prefix + key, 'must be a finite number');
  return v;
}

function positiveInteger(o: Json, key: string, prefix = ''): number {
  const v = finite(o, key, prefix);
  if (!Number.isInteger(v) || v <= 0) fail(prefix + key, 'must be a positive integer');
  return v;
}

function array(o: Json, key: string, prefix = ''): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(prefix + key, 'must be an array');
  return v;
}

function numbers(o: Json, key: string, prefix: string): number[] {
  return array(o, key, prefix).map((v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(prefix + key, 'must hold finite numbers');
    return v;
  });
}

function shape(o: Json, prefix: string): number[] {
  const dims = numbers(o, 'shape', prefix);
  if (dims.length === 0 || dims.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1))) {
    fail(`${prefix}shape`, 'must be a non-empty list of positive integers or -1');
  }
  return dims;
}

function parseAnalysisEntry(base: ModelEntryBase, o: Json): AnalysisModelEntry {
  const analysis = oneOf(o, 'analysis', ['liveness', 'pose', 'eyes', 'age', 'gender', 'expression'] as const);
  const c = object(o.crop, 'crop');
  const kind = oneOf(c, 'kind', ['centred-scale', 'expand', 'anchored', 'eyes'] as const, 'crop.');
  const factor = (key: string): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(`crop.${key}`, 'must be a positive number');
    return v as number;
  };
  const crop: AnalysisCrop =
    kind === 'expand'
      ? { kind, margin: factor('margin') }
      : kind === 'eyes'
        ? { kind, padding: factor('padding') }
        : { kind, scale: factor('scale') };
  const entry: AnalysisModelEntry = { ...base, task: 'analysis', analysis, crop, postprocessing: string(o, 'postprocessing') };
  if (o.decision === undefined) return entry;
  const d = object(o.decision, 'decision');
  const threshold = d.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) fail('decision.threshold', 'must be a finite number');
  return { ...entry, decision: { threshold: threshold as number, chosen: string(d, 'chosen', 'decision.') } };
}

function parseFarThreshold(value: unknown, where: string): FarThresholdSpec {
  const o = object(value, where);
  const num = (key: string, min: number, max: number): number => {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`${where}.${key}`, `must be a number in [${min}, ${max}]`);
    return v as number;
  };
  return { metric: string(o, 'metric', `${where}.`), far: num('far', 0, 1), value: num('value', -Infinity, Infinity), tar: num('tar', 0, 1) };
}
