import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  enrollImages,
  enrollmentAnalyses,
  errorFromData,
  failureOf,
  InvalidArgumentError,
  labelForEntry,
  NotFoundError,
  type DirectoryLayout,
  type EnrollItem,
  type FacePolicy,
  type FileFailure,
  REVIEW_MODES,
  type ReviewMode,
} from '@pv/core';
import { scanImageFiles } from '@pv/embedder-onnx-node';
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
import { failureReason } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import type { AuditRecorder } from '@pv/privacy';
import { commandAudit } from '../command-audit.js';
import { galleryOf, openEncoder, openSettingsStore, settingsOf, thresholdNote } from '../pipeline.js';

/** Options of `pv enroll`. */
export interface EnrollOptions extends PipelineOptions, StoreOptions, JobsOptions {
  readonly label?: string;
  readonly layout: DirectoryLayout;
  readonly faces: FacePolicy;
  /** False with `--no-skip-enrolled`. */
  readonly skipEnrolled: boolean;
  /** The enrollment review (`--review`). */
  readonly review: ReviewMode;
  /** `--require-live`. */
  readonly requireLive?: boolean;
}

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
    .option('--no-skip-enrolled', 'enroll files again even when the store already holds them under the same label')
    .addOption(
      new Option('--review <mode>', 'refuse faces too small, blurred, dark, in profile, eyes closed or not live (standard, strict)')
        .choices([...REVIEW_MODES])
        .default('off'),
    )
    .option('--require-live', 'enroll only faces the single-frame liveness check calls live');
  withFacePolicy(command, 'largest', 'photos with several faces: enroll the largest, refuse the photo (strict), or enroll every face');
  withPipeline(command);
  withStore(command);
  withJobs(command);
  withJson(command);
  withExamples(command, 'pv enroll people/ --store sqlite:faces.db', 'pv enroll alice.jpg --label alice');
  command.action((target: string, options: EnrollOptions) => run(options, (output) => enroll(target, options, output)));
}

async function enroll(target: string, options: EnrollOptions, output: Output): Promise<ExitStatus> {
  const label = options.label?.trim();
  if (options.label !== undefined && !label) throw new InvalidArgumentError('--label must not be empty');
  const settings = await settingsOf(options);
  const { items, failures: planFailures } = await planItems(target, options.layout, label);
  const store = await openSettingsStore(settings);
  try {
    const gallery = galleryOf(settings, store);
    await gallery.checkModel();
    const analyses = enrollmentAnalyses(options.review, options.requireLive === true);
    const audit = await commandAudit(settings.store);
    const encoder = await openEncoder(settings, { jobs: options.jobs, facePolicy: options.faces, analyses });
    try {
      return await run(items, planFailures, { encoder, gallery, storeUri: settings.store, note: thresholdNote(settings), audit }, options, output);
    } finally {
      await encoder.close();
    }
  } finally {
    await store.close();
  }
}

interface EnrollTools {
  readonly encoder: Awaited<ReturnType<typeof openEncoder>>;
  readonly gallery: ReturnType<typeof galleryOf>;
  readonly storeUri: string;
  readonly note: string | undefined;
  readonly audit: AuditRecorder | undefined;
}

async function run(
  items: readonly EnrollItem[],
  planFailures: readonly FileFailure[],
  tools: EnrollTools,
  options: EnrollOptions,
  output: Output,
): Promise<ExitStatus> {
  const { colour } = output;
  const progress = createProgress(!output.json, (line) => output.line(line));
  const interruption = catchInterrupt((text) => progress.note(colour.yellow(text)));
  for (const f of planFailures) progress.log(failureLine(output, f));
  progress.start(items.length, 'enroll');
  // Record ids written, per label, for the audit entry.
  const written = new Map<string, string[]>();
  let summary: Awaited<ReturnType<typeof enrollImages>>;
  try {
    summary = await enrollImages(tools.encoder, tools.gallery, items, {
      skipEnrolled: options.skipEnrolled,
      review: options.review,
      requireLive: options.requireLive === true,
      facePolicy: options.faces,
      signal: interruption.signal,
      onEvent: (event) => {
        if (event.type === 'enrolled') {
          written.set(event.label, [...(written.get(event.label) ?? []), ...event.records.map((r) => r.id)]);
          const extra = event.faces.length > 1 ? colour.dim(` (${plural(event.faces.length, 'face')})`) : '';
          progress.log(`${colour.green('enrolled'.padEnd(14))}${displayPath(event.file)} → ${event.label}${extra}`);
        } else if (event.type === 'failed') progress.log(failureLine(output, event.failure));
        else if (event.type === 'progress') progress.update(event.done, displayPath(event.file));
      },
    });
  } finally {
    progress.stop();
    interruption.dispose();
  }
  if (written.size > 0) {
    const subjects = [...written.keys()];
    await tools.audit?.record({ action: 'enroll', subjects, recordIds: subjects.map((l) => written.get(l) ?? []), count: summary.facesSaved });
  }
  const failures = [...planFailures, ...summary.failures];
  const total = await tools.gallery.store.count();
  const planned = items.length + planFailures.length;
  const attempted = planned - summary.alreadyEnrolled;
  const processed = summary.enrolled.length + failures.length;
  output.result({
    store: tools.storeUri,
    model: tools.gallery.modelId,
    interrupted: summary.aborted,
    files: {
      total: planned,
      alreadyEnrolled: summary.alreadyEnrolled,
      processed,
      enrolled: summary.enrolled.length,
      failed: failures.length,
      notProcessed: summary.notProcessed,
    },
    facesSaved: summary.facesSaved,
    people: summary.people,
    storeCount: total,
    enrolled: summary.enrolled,
    failures: failures.map((f) => ({ ...f, reason: failureReason(f.code) })),
    ...(summary.error ? { error: summary.error } : {}),
  });
  if (summary.aborted) {
    output.line(colour.yellow(`Interrupted after ${processed} of ${plural(attempted, 'file')}; ${summary.notProcessed} not processed.`));
  }
  output.line(
    `Enrolled ${plural(summary.facesSaved, 'face')} of ${plural(summary.people, 'person', 'people')} from ${summary.enrolled.length} of ${plural(attempted, 'file')} ` +
      `into ${tools.storeUri} (model ${tools.gallery.modelId}); the store holds ${plural(total, 'face')}.`,
  );
  if (summary.alreadyEnrolled > 0) {
    output.line(
      colour.dim(`${plural(summary.alreadyEnrolled, 'file')} already in the store under the same label, skipped (--no-skip-enrolled adds them again).`),
    );
  }
  if (failures.length > 0) {
    output.line(colour.red(`${plural(failures.length, 'file')} failed:`));
    for (const f of failures) output.line(`  ${failureReason(f.code).padEnd(14)}${displayPath(f.file)}: ${colour.dim(f.message)}`);
  }
  if (tools.note) output.line(colour.dim(`Note: ${tools.note}.`));
  // A store that stopped accepting writes (a full disk) ends with its typed error, after the summary of what was saved.
  if (summary.error) throw errorFromData(summary.error);
  if (summary.aborted) return ExitCode.interrupted;
  return failures.length > 0 ? ExitCode.negative : ExitCode.ok;
}

function failureLine(output: Output, failure: FileFailure): string {
  return `${output.colour.red(failureReason(failure.code).padEnd(14))}${displayPath(failure.file)}`;
}

/** The files to enroll with their labels, and the files whose label cannot be read. */
async function planItems(
  target: string,
  layout: DirectoryLayout,
  label: string | undefined,
): Promise<{ items: EnrollItem[]; failures: FileFailure[] }> {
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new NotFoundError(`No such file or directory: ${target}`, { path: target });
  if (!info.isDirectory()) {
    if (label === undefined) {
      throw new InvalidArgumentError(`Enrolling a single image needs --label (whose face is in ${target}?)`, { file: target });
    }
    const file = path.resolve(target);
    return { items: [{ input: file, name: file, label }], failures: [] };
  }
  const { files: entries, skipped } = await scanImageFiles(target);
  // Every entry that is not enrolled is listed with its reason (hidden files and non-images excepted).
  const failures: FileFailure[] = skipped
    .filter((entry) => entry.reason !== 'hidden' && entry.reason !== 'not-an-image')
    .map((entry) => ({ file: entry.path, code: 'E_BAD_IMAGE', message: `${entry.reason}: ${entry.detail}`, details: { reason: entry.reason } }));
  if (entries.length === 0 && failures.length === 0) throw new NotFoundError(`No image files in ${target}`, { directory: target });
  const items: EnrollItem[] = [];
  for (const entry of entries) {
    try {
      items.push({ input: entry.path, name: entry.path, label: label ?? labelForEntry(entry, layout) });
    } catch (error) {
      failures.push(failureOf(entry.path, error));
    }
  }
  return { items, failures };
}
