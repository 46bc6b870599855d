import { InvalidArgumentError as OptionValueError, Option, type Command } from 'commander';
import type { FacePolicy } from '@pv/core';
import { DEFAULT_STORE_URI } from './store-uri.js';

/** The metrics the CLI offers by name. */
export const METRIC_IDS = ['cosine', 'l2'] as const;

/** A metric the CLI offers by name. */
export type MetricId = (typeof METRIC_IDS)[number];

/**
 * The detectors the CLI runs: `rfb320` (built in, fetched from the npm registry) and `mtcnn` (after
 * `pv models import mtcnn`).
 */
export const DETECTOR_IDS = ['rfb320', 'mtcnn'] as const;

/** A detector the CLI runs. */
export type DetectorId = (typeof DETECTOR_IDS)[number];

/** The face policies, as `--faces` spells them. */
export const FACE_POLICIES: readonly FacePolicy[] = ['largest', 'strict', 'all'];

/** Options every command has. */
export interface OutputOptions {
  readonly json?: boolean;
}

/** Options of the commands that compare embeddings. */
export interface EmbedderOptions extends OutputOptions {
  readonly model: string;
  readonly metric: MetricId;
  readonly threshold?: number;
}

/** Options of the commands that run the whole face pipeline. */
export interface PipelineOptions extends EmbedderOptions {
  readonly detector: DetectorId;
}

/** Options of the commands that read or write a store. */
export interface StoreOptions {
  readonly store: string;
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

/** Parses a TCP port, 0 (any free port) to 65535 (`--port`). */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/u.test(value) || n > 65535) throw new OptionValueError('Expected a port number from 0 to 65535.');
  return n;
}

/** Parses a finite number (`--threshold`). */
export function parseFiniteNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new OptionValueError('Expected a number.');
  return n;
}

/** Adds `--json`. */
export function withJson(command: Command): Command {
  return command.option('--json', 'machine-readable output (JSON on stdout)');
}

/** Adds `--model`, `--metric` and `--threshold`. */
export function withEmbedder(command: Command): Command {
  return command
    .addOption(new Option('--model <id>', 'embedder model id (see `pv models list`)').default('mobilefacenet').env('PV_MODEL'))
    .addOption(new Option('--metric <metric>', 'distance between embeddings').choices(METRIC_IDS).default('cosine'))
    .addOption(
      new Option('--threshold <number>', "decision threshold in the metric's units (default: the model's calibrated one)").argParser(
        parseFiniteNumber,
      ),
    );
}

/** Adds `--model`, `--metric`, `--threshold` and `--detector`. */
export function withPipeline(command: Command): Command {
  return withEmbedder(command).addOption(
    new Option('--detector <id>', 'face detector (mtcnn after `pv models import mtcnn`)').choices(DETECTOR_IDS).default('rfb320').env('PV_DETECTOR'),
  );
}

/** Adds `--store`. */
export function withStore(command: Command, description = 'where enrolled faces are kept'): Command {
  return command.addOption(
    new Option('--store <uri>', `${description}: file:PATH, sqlite:PATH, hnsw:DIR or postgres://…`).default(DEFAULT_STORE_URI).env('PV_STORE'),
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
