import path from 'node:path';
import { AbortedError, isPvError, type FileFailure } from '@pv/core';
import { evaluatePairs, formatReport, type EvaluationReport } from '@pv/eval';
import { loadLfwDataset } from '@pv/eval/node';
import type { ResolvedSettings } from '@pv/settings';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { parsePositiveInteger, withExamples, withJobs, withJson, withPipeline, type JobsOptions, type PipelineOptions } from '../cli-options.js';
import { displayPath, plural } from '../display.js';
import { failureReason, openFaceFileSource, type FileEmbeddings } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { settingsOf } from '../pipeline.js';

import { writeEvaluationReport } from '../html-report-file.js';
import { createProgress } from '../progress.js';

/** Options of `pv eval lfw`. */
export interface EvalLfwOptions extends PipelineOptions, JobsOptions {
  readonly root: string;
  readonly pairs?: string;
  readonly images?: string;
  readonly folds: number;
  readonly report?: string;
}

/** Registers `pv eval` and its protocols. */
export function registerEval(program: Command, run: CommandRunner): void {
  const group = program.command('eval').summary('measure accuracy on a benchmark (LFW)').description('Measure verification accuracy on a benchmark (see `pv eval lfw --help`).');
  withExamples(group, 'pv eval lfw --root data/lfw');
  const lfw = group
    .command('lfw')
    .description(
      'The LFW protocol: k-fold cross-validated accuracy (threshold chosen on the other folds), best threshold, accuracy at ' +
        'the model threshold, ROC AUC, EER and TAR at FAR 0.1%. Pairs with a photo where no face is found count as wrong.',
    )
    .requiredOption('--root <dir>', 'the dataset folder: pairs.txt and the photos in images/<Name>/<Name>_0001.jpg, lfw/<Name>/… (the download as distributed) or <Name>/…')
    .option('--pairs <file>', 'the pairs list (default: <root>/pairs.txt)')
    .option('--images <dir>', 'the images folder (default: the first of <root>/images, <root>/lfw, <root> holding the photos)')
    .addOption(new Option('--folds <n>', 'cross-validation folds').argParser(parsePositiveInteger).default(10))

    .option('--report <file.html>', 'also write an HTML report: ROC curve, score histograms, worst false accepts and rejects');
  withPipeline(lfw);
  withJobs(lfw);
  withJson(lfw);
  withExamples(lfw, 'pv eval lfw --root data/lfw --pairs data/lfw/pairs.txt --jobs 2');
  lfw.action((options: EvalLfwOptions) => run(options, (output) => evalLfw(options, output)));
}

async function evalLfw(options: EvalLfwOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const { metric, threshold } = settings;
  const dataset = await loadLfwDataset(options.root, {
    ...(options.pairs !== undefined ? { pairsFile: path.resolve(options.pairs) } : {}),
    ...(options.images !== undefined ? { imagesDirectory: path.resolve(options.images) } : {}),
  });
  const images = [...new Set(dataset.pairs.flatMap((p) => [p.a, p.b]))];
  const source = await openFaceFileSource(settings, { jobs: options.jobs, facePolicy: 'largest' });
  const progress = createProgress(!output.json, (line) => output.note(line));
  const interruption = catchInterrupt((text) => progress.note(output.colour.yellow(text)));
  const failures: FileFailure[] = [];
  let report: EvaluationReport;
  progress.start(images.length, 'embed');
  try {
    // The source embeds the files (on worker threads with --jobs) while evaluatePairs awaits each image's
    // result, so the report's timing is the real embedding time.
    const results = new EmbeddingResults(images, (image) => dataset.imagePath(image));
    const embedding = source
      .embedFiles(results.files, (result) => results.settle(result, failures), interruption.signal)
      .finally(() => results.abandonRest());
    report = await evaluatePairs({
      pairs: dataset.pairs,
      embed: (image) => results.embeddingOf(image),
      concurrency: images.length,
      metric,
      fallback: { policy: 'count-as-wrong' },
      fixedThreshold: threshold,
      fixedThresholdSource: thresholdSource(settings),
      folds: options.folds,
      onProgress: (event) => progress.update(event.done, event.image),
      signal: interruption.signal,
    }).finally(() => embedding);
  } catch (error) {
    if (!(isPvError(error, 'E_ABORTED') && interruption.signal.aborted)) throw error;
    output.result({ interrupted: true, images: images.length });
    output.line(output.colour.yellow(`Interrupted before every one of ${plural(images.length, 'image')} was embedded; no report.`));
    return ExitCode.interrupted;
  } finally {
    progress.stop();
    interruption.dispose();
    await source.close();
  }
  // Unreadable images are reported, and fail the run; a photo without a detectable face is part of the measurement.
  const unreadable = failures.filter((f) => f.code !== 'E_NO_FACE');
  output.result({ model: source.modelId, dataset: { root: path.resolve(options.root), pairs: dataset.pairs.length }, report, unreadable });
  output.line(`LFW evaluation of ${source.modelId} (${metric.id}) on ${plural(dataset.pairs.length, 'pair')} from ${displayPath(options.root)}`);
  output.line(formatReport(report, { format: 'text' }));
  if (options.report) await writeEvaluationReport(options.report, `LFW evaluation of ${source.modelId} (${metric.id})`, report, dataset.pairs, (image) => dataset.imagePath(image));
  if (unreadable.length > 0) {
    output.line(output.colour.red(`${plural(unreadable.length, 'image')} could not be used:`));
    for (const f of unreadable) output.line(`  ${failureReason(f.code).padEnd(14)}${displayPath(f.file)}: ${f.message}`);
    return ExitCode.negative;
  }
  return ExitCode.ok;
}

/** Where the decision threshold comes from, for the report's fixed-threshold line. */
function thresholdSource(settings: ResolvedSettings): string {
  if (settings.from.threshold === 'flag') return '--threshold';
  if (settings.from.threshold === 'environment') return 'PV_THRESHOLD';
  if (settings.from.threshold === 'config') return `your ${settings.thresholdStatus === 'calibrated' ? 'calibration' : 'config file'}`;
  const entry = settings.model;
  if (entry.thresholdStatus !== 'calibrated') return `${entry.id}'s provisional threshold, not calibrated`;
  return entry.calibratedOn ? `${entry.id}'s, calibrated on ${entry.calibratedOn.dataset}` : `${entry.id}'s, calibrated`;
}

/** Each image's embedding as a promise, settled as the face source reports the image's file. */
class EmbeddingResults {
  /** The image files, in image order. */
  readonly files: string[];
  readonly #byFile = new Map<string, { promise: Promise<Float32Array | null>; resolve(value: Float32Array | null): void; reject(error: Error): void }>();
  readonly #byImage = new Map<string, Promise<Float32Array | null>>();

  constructor(images: readonly string[], fileOf: (image: string) => string) {
    this.files = images.map(fileOf);
    images.forEach((image, i) => {
      let resolve: (value: Float32Array | null) => void = () => undefined;
      let reject: (error: Error) => void = () => undefined;
      const promise = new Promise<Float32Array | null>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const settled = { promise, resolve, reject };
      // Never an unhandled rejection: evaluatePairs may stop awaiting after the first failure.
      settled.promise.catch(() => undefined);
      this.#byFile.set(this.files[i] as string, settled);
      this.#byImage.set(image, settled.promise);
    });
  }

  /** The image's first face, or `null` when the file gave none (no face, unreadable). */
  embeddingOf(image: string): Promise<Float32Array | null> {
    return this.#byImage.get(image) as Promise<Float32Array | null>;
  }

  settle(result: FileEmbeddings, failures: FileFailure[]): void {
    if (!result.ok) failures.push(result.failure);
    this.#byFile.get(result.file)?.resolve(result.ok ? (result.faces[0]?.embedding ?? null) : null);
    this.#byFile.delete(result.file);
  }

  /** Rejects the images the source did not get to (it was interrupted). */
  abandonRest(): void {
    for (const pending of this.#byFile.values()) pending.reject(new AbortedError());
    this.#byFile.clear();
  }
}
