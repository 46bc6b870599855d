import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  InvalidArgumentError,
  labelForEntry,
  ModelMismatchError,
  NotFoundError,
  type DirectoryLayout,
  type FacePolicy,
  type FileFailure,
  type ImageFileEntry,
  type NewRecord,
  type Store,
} from '@pv/core';
import { listImageFiles } from '@pv/embedder-onnx-node';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  withExamples,
  withFacePolicy,
  withJobs,
  withJson,
  withPipeline,
  withStore,
  type JobsOptions,
  type PipelineOptions,
  type StoreOptions,
} from '../cli-options.js';
import { displayPath, plural } from '../display.js';
import { failureOf, failureReason, openFaceFileSource, type FileEmbeddings } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import { openStore } from '../store-uri.js';

/** Options of `pv enroll`. */
export interface EnrollOptions extends PipelineOptions, StoreOptions, JobsOptions {
  readonly label?: string;
  readonly layout: DirectoryLayout;
  readonly faces: FacePolicy;
  /** False with `--no-skip-enrolled`. */
  readonly skipEnrolled: boolean;
}

/** Files per store write: an interruption or crash loses at most the files of one unwritten batch. */
const SAVE_BATCH_FILES = 16;

/** Registers `pv enroll`. */
export function registerEnroll(program: Command, run: CommandRunner): void {
  const command = program
    .command('enroll')
    .summary('enroll faces from an image or a directory into a store')
    .description(
      "Embed the faces of an image or a directory and save them under labels (the reference's generate-embeddings). " +
        'A directory takes labels from subfolders (people/alice/1.jpg → alice) or file names (alice_2.jpg → alice).',
    )
    .argument('<path>', 'an image file (needs --label) or a directory of images')
    .option('--label <label>', 'the person in the image (every image, for a directory)')
    .addOption(
      new Option('--layout <layout>', "where a directory's labels come from; auto: the subfolder when there is one, else the file name")
        .choices(['auto', 'subfolders', 'file-names'])
        .default('auto'),
    )
    .option('--no-skip-enrolled', 'enroll files again even when the store already holds them under the same label');
  withFacePolicy(command, 'largest', 'photos with several faces: enroll the largest, refuse the photo (strict), or enroll every face');
  withPipeline(command);
  withStore(command);
  withJobs(command);
  withJson(command);
  withExamples(command, 'pv enroll people/ --store sqlite:faces.db', 'pv enroll alice.jpg --label alice');
  command.action((target: string, options: EnrollOptions) => run(options, (output) => enroll(target, options, output)));
}

interface EnrollJob {
  readonly file: string;
  readonly label: string;
}

interface EnrolledFile {
  readonly file: string;
  readonly label: string;
  readonly faces: number;
}

async function enroll(target: string, options: EnrollOptions, output: Output): Promise<ExitStatus> {
  const label = options.label?.trim();
  if (options.label !== undefined && !label) throw new InvalidArgumentError('--label must not be empty');
  const { jobs, failures } = await planJobs(target, options.layout, label);
  const store = await openStore(options.store, { metric: options.metric });
  try {
    await checkStoreModel(store, options.model);
    const alreadyEnrolled = options.skipEnrolled ? await enrolledFiles(store, jobs) : new Set<string>();
    const todo = jobs.filter((j) => !alreadyEnrolled.has(j.file));
    const source = await openFaceFileSource({ ...options, facePolicy: options.faces });
    try {
      return await enrollJobs(todo, jobs.length - todo.length, failures, store, source, options, output);
    } finally {
      await source.close();
    }
  } finally {
    await store.close();
  }
}

async function enrollJobs(
  jobs: readonly EnrollJob[],
  skipped: number,
  labelFailures: readonly FileFailure[],
  store: Store,
  source: Awaited<ReturnType<typeof openFaceFileSource>>,
  options: EnrollOptions,
  output: Output,
): Promise<ExitStatus> {
  const { colour } = output;
  const progress = createProgress(!output.json, (line) => output.line(line));
  const interruption = catchInterrupt((text) => progress.note(colour.yellow(text)));
  const storeFailed = new AbortController();
  const signal = AbortSignal.any([interruption.signal, storeFailed.signal]);
  const labelOf = new Map(jobs.map((j) => [j.file, j.label]));
  const enrolled: EnrolledFile[] = [];
  const failures: FileFailure[] = [...labelFailures];
  for (const f of labelFailures) progress.log(failureLine(output, f));
  let pending: NewRecord[] = [];
  let pendingFiles = 0;
  let saved = 0;
  let writes = Promise.resolve();
  let writeError: unknown;
  const flush = (): void => {
    const batch = pending;
    pending = [];
    pendingFiles = 0;
    if (batch.length === 0) return;
    writes = writes.then(async () => {
      if (writeError !== undefined) return;
      try {
        saved += (await store.add(batch)).length;
      } catch (error) {
        writeError = error;
        storeFailed.abort();
      }
    });
  };
  const onResult = (result: FileEmbeddings): void => {
    const label = labelOf.get(result.file) as string;
    if (result.ok) {
      enrolled.push({ file: result.file, label, faces: result.faces.length });
      for (const face of result.faces) {
        pending.push({ label, vector: face.embedding, modelId: source.modelId, source: { file: result.file, box: face.detection.box } });
      }
      const extra = result.faces.length > 1 ? colour.dim(` (${plural(result.faces.length, 'face')})`) : '';
      progress.log(`${colour.green('enrolled'.padEnd(14))}${displayPath(result.file)} → ${label}${extra}`);
    } else {
      failures.push(result.failure);
      progress.log(failureLine(output, result.failure));
    }
    pendingFiles++;
    if (pendingFiles >= SAVE_BATCH_FILES) flush();
    progress.update(enrolled.length + failures.length - labelFailures.length, displayPath(result.file));
  };
  progress.start(jobs.length, 'enroll');
  try {
    await source.embedFiles(
      jobs.map((j) => j.file),
      onResult,
      signal,
    );
    flush();
    await writes;
  } finally {
    progress.stop();
    interruption.dispose();
  }
  if (writeError !== undefined) throw writeError;
  const interrupted = interruption.signal.aborted;
  const total = await store.count();
  const people = new Set(enrolled.map((e) => e.label)).size;
  const processed = enrolled.length + failures.length;
  const planned = jobs.length + labelFailures.length;
  output.result({
    store: options.store,
    model: source.modelId,
    interrupted,
    files: { total: planned + skipped, alreadyEnrolled: skipped, processed, enrolled: enrolled.length, failed: failures.length, notProcessed: planned - processed },
    facesSaved: saved,
    people,
    storeCount: total,
    enrolled,
    failures: failures.map((f) => ({ ...f, reason: failureReason(f.code) })),
  });
  if (interrupted) output.line(colour.yellow(`Interrupted after ${processed} of ${plural(planned, 'file')}; ${planned - processed} not processed.`));
  output.line(
    `Enrolled ${plural(saved, 'face')} of ${plural(people, 'person', 'people')} from ${enrolled.length} of ${plural(planned, 'file')} ` +
      `into ${options.store} (model ${source.modelId}); the store holds ${plural(total, 'face')}.`,
  );
  if (skipped > 0) {
    output.line(colour.dim(`${plural(skipped, 'file')} already in the store under the same label, skipped (--no-skip-enrolled adds them again).`));
  }
  if (failures.length > 0) {
    output.line(colour.red(`${plural(failures.length, 'file')} failed:`));
    for (const f of failures) output.line(`  ${failureReason(f.code).padEnd(14)}${displayPath(f.file)}: ${colour.dim(f.message)}`);
  }
  if (interrupted) return ExitCode.interrupted;
  return failures.length > 0 ? ExitCode.negative : ExitCode.ok;
}

function failureLine(output: Output, failure: FileFailure): string {
  return `${output.colour.red(failureReason(failure.code).padEnd(14))}${displayPath(failure.file)}`;
}

/** The files to enroll with their labels, and the files whose label cannot be read. */
async function planJobs(
  target: string,
  layout: DirectoryLayout,
  label: string | undefined,
): Promise<{ jobs: EnrollJob[]; failures: FileFailure[] }> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new NotFoundError(`No such file or directory: ${target}`, { path: target });
  if (!info.isDirectory()) {
    if (label === undefined) {
      throw new InvalidArgumentError(`Enrolling a single image needs --label (whose face is in ${target}?)`, { file: target });
    }
    return { jobs: [{ file: path.resolve(target), label }], failures: [] };
  }
  const entries: ImageFileEntry[] = await listImageFiles(target);
  if (entries.length === 0) throw new NotFoundError(`No image files in ${target}`, { directory: target });
  const jobs: EnrollJob[] = [];
  const failures: FileFailure[] = [];
  for (const entry of entries) {
    try {
      jobs.push({ file: entry.path, label: label ?? labelForEntry(entry, layout) });
    } catch (error) {
      failures.push(failureOf(entry.path, error));
    }
  }
  return { jobs, failures };
}

/** Refuses, before any work, a store that holds another model's embeddings. */
async function checkStoreModel(store: Store, model: string): Promise<void> {
  const info = await store.info();
  if (info.modelId !== null && info.modelId !== model) throw new ModelMismatchError(info.modelId, model);
}

/** The files of `jobs` the store already holds under the job's label (so a rerun resumes instead of duplicating). */
async function enrolledFiles(store: Store, jobs: readonly EnrollJob[]): Promise<Set<string>> {
  const wanted = new Map(jobs.map((j) => [j.file, j.label]));
  const found = new Set<string>();
  for await (const record of store.records()) {
    const file = record.source?.file;
    if (file !== undefined && wanted.get(file) === record.label) found.add(file);
  }
  return found;
}
