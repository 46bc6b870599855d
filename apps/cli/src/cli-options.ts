import { METRIC_IDS } from '@pv/settings';
import { InvalidArgumentError as OptionValueError, Option, type Command } from 'commander';
import { ANALYSIS_KINDS, checkFaceFilter, parseAnalysisKinds, type AnalysisKind, type FaceFilter, type FacePolicy } from '@pv/core';

/**
 * The detectors pv runs by id: `rfb320` (built in, fetched from the npm registry) and `mtcnn` (after
 * `pv models import mtcnn` or `pv models fetch mtcnn`). Listed in help; `@pv/pipeline-node` decides.
 */
export const DETECTOR_IDS = ['rfb320', 'mtcnn'] as const;

/** The face policies, as `--faces` spells them. */
export const FACE_POLICIES: readonly FacePolicy[] = ['largest', 'strict', 'all'];

/** Options every command has. */
export interface OutputOptions {
  readonly json?: boolean;
}

/**
 * Options of the commands that compare embeddings, as typed: `@pv/settings` resolves and checks them
 * (with `PV_*`, the config file and the catalog), so every command and `pv serve` read them one way.
 */
export interface EmbedderOptions extends OutputOptions {
  readonly model?: string;
  readonly metric?: string;
  readonly threshold?: string;
}

/** Options of the commands that run the whole face pipeline. */
export interface PipelineOptions extends EmbedderOptions {
  readonly detector?: string;
}

/** Options of the commands that read or write a store. */
export interface StoreOptions {
  readonly store?: string;
}

/** Options of the commands that can spread work over several cores. */
export interface JobsOptions {
  readonly jobs: number;
}

/** Parses a whole number ≥ 1 (`--jobs`, `--k`). */
export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/u.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new OptionValueError('Expected a whole number of at least 1.');
  }
  return n;
}

/** Options of the commands that can check liveness and return face analyses (`verify`, `identify`). */
export interface LivenessOptions {
  /** `--require-live`. */
  readonly requireLive?: boolean;
  /** `--analyses a,b`, parsed. */
  readonly analyses?: readonly AnalysisKind[];
}

/** Parses `--analyses liveness,pose` (unknown kinds are an error naming the known ones). */
export function parseAnalysesOption(value: string): AnalysisKind[] {
  try {
    return parseAnalysisKinds(value);
  } catch (error) {
    throw new OptionValueError(error instanceof Error ? error.message : String(error));
  }
}

/** Adds `--require-live` and `--analyses` (verify, identify). */
export function withLiveness(command: Command): Command {
  return command
    .option('--require-live', 'refuse faces the single-frame liveness check does not call live (E_FACE_REJECTED, exit 1)')
    .addOption(new Option('--analyses <list>', `also report these face analyses, comma-separated: ${ANALYSIS_KINDS.join(',')}`).argParser(parseAnalysesOption));
}

/** Parses a TCP port, 0 (any free port) to 65535 (`--port`). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/u.test(value) || n > 65535) throw new OptionValueError('Expected a port number from 0 to 65535.');
  return n;
}

/** Adds `--json`. */
export function withJson(command: Command): Command {
  return command.option('--json', 'machine-readable output (JSON on stdout)');
}

/** Adds `--model`, `--metric` and `--threshold` (defaults and checks: `@pv/settings`). */
export function withEmbedder(command: Command): Command {
  return command
    .option('--model <id>', 'embedder model id (see `pv models list`; env PV_MODEL; default mobilefacenet)')
    .option('--metric <metric>', `distance between embeddings: ${METRIC_IDS.join(' or ')} (env PV_METRIC; default: the model's)`)
    .option('--threshold <number>', "decision threshold in the metric's units (env PV_THRESHOLD; default: the model's calibrated one)");
}

/** Adds `--model`, `--metric`, `--threshold` and `--detector`. */
export function withPipeline(command: Command): Command {
  return withEmbedder(command).option(
    '--detector <id>',
    `face detector: ${DETECTOR_IDS.join(', ')} (env PV_DETECTOR; default: the model's own, else rfb320)`,
  );
}

/** Adds `--store`. */
export function withStore(command: Command, description = 'where enrolled faces are kept'): Command {
  return command.option(
    '--store <uri>',
    `${description}: file:PATH, sqlite:PATH, hnsw:DIR or postgres://… (env PV_STORE; default file:~/.local/share/pv/faces.pv)`,
  );
}

/** Adds `--jobs`. */
export function withJobs(command: Command): Command {
  return command.addOption(
    new Option('--jobs <n>', 'worker threads for detection and embedding (each with its own model sessions)').argParser(parsePositiveInteger).default(1),
  );
}

/** Adds `--faces`. */
export function withFacePolicy(command: Command, fallback: FacePolicy, description: string): Command {
  return command.addOption(new Option('--faces <policy>', description).choices(FACE_POLICIES).default(fallback));
}

/** Adds an "Example:" section to a command's help. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

/** Options of the commands that drop small or unsure faces (`--min-face-size`, `--min-score`). */
export interface FaceFilterOptions {
  readonly minFaceSize?: number;
  readonly minScore?: number;
}

/** Parses a number of pixels ≥ 0 (`--min-face-size`). */
export function parsePixels(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new OptionValueError('Expected a number of pixels, 0 or more.');
  return n;
}

/** Parses a detector score from 0 to 1 (`--min-score`). */
export function parseScore(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new OptionValueError('Expected a score from 0 to 1.');
  return n;
}

/** Adds `--min-face-size` and `--min-score` (`@pv/core`'s `FaceFilter`). */
export function withFaceFilter(command: Command): Command {
  return command
    .addOption(new Option('--min-face-size <px>', "drop faces whose box's shorter side is under this many pixels (likely false positives)").argParser(parsePixels))
    .addOption(new Option('--min-score <0..1>', 'drop faces the detector scored under this').argParser(parseScore));
}

/** The `FaceFilter` of `--min-face-size` and `--min-score`. */
export function faceFilterOf(options: FaceFilterOptions): FaceFilter {
  return checkFaceFilter({
    ...(options.minFaceSize !== undefined ? { minFaceSize: options.minFaceSize } : {}),
    ...(options.minScore !== undefined ? { minScore: options.minScore } : {}),
  });
}
