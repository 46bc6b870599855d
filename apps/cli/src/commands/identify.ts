import { stat } from 'node:fs/promises';
import { UNKNOWN_LABEL } from '@pv/core';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  parsePositiveInteger,
  withExamples,
  withJobs,
  withJson,
  withLiveness,
  withPipeline,
  withStore,
  type JobsOptions,
  type LivenessOptions,
  type PipelineOptions,
  type StoreOptions,
} from '../cli-options.js';
import { identifyBatch, type FaceLineFormat } from './identify-batch.js';
import { describeBox } from '../faces.js';
import { analysisParts } from './analyze.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { revealedSubjects } from '@pv/privacy';
import { commandAudit } from '../command-audit.js';
import { openRecognizer, openSettingsStore, settingsOf } from '../pipeline.js';

/** Options of `pv identify`. */
export interface IdentifyOptions extends PipelineOptions, StoreOptions, JobsOptions, LivenessOptions {
  readonly k: number;
  readonly format?: FaceLineFormat;
}

/** Registers `pv identify`. */
export function registerIdentify(program: Command, run: CommandRunner): void {
  const command = program
    .command('identify')
    .summary('who is in this photo? top-k people per face')
    .description(
      'Who is in <image>? Every face with its k most similar enrolled people and their distances. ' +
        'Several photos or folders: one line per face (--format table, csv or jsonl), a progress bar and a summary. ' +
        'With --require-live a face the liveness check does not call live is reported as rejected (with its score) and not identified; the other faces go on. ' +
        'Exit code 0 when at least one face is recognised (and, for several photos, none failed), 1 otherwise, 2 on error.',
    )
    .argument('<images...>', 'photos, or folders of photos')
    .addOption(new Option('--k <n>', 'candidate people per face').argParser(parsePositiveInteger).default(5))
    .addOption(new Option('--format <format>', 'one line per face for several photos').choices(['table', 'csv', 'jsonl']));
  withJobs(command);
  withLiveness(command);
  withPipeline(command);
  withStore(command);
  withJson(command);
  withExamples(
    command,
    'pv identify group.jpg --k 3',
    'pv identify photos/ party.jpg --jobs 2 --format csv > faces.csv',
    'pv identify door-camera/ --require-live --analyses pose --format jsonl',
  );
  command.action((images: string[], options: IdentifyOptions) =>
    run(options, async (output) => {
      const [only] = images;
      if (images.length === 1 && only !== undefined && options.format === undefined && !(await stat(only).catch(() => undefined))?.isDirectory()) {
        return identify(only, options, output);
      }
      return identifyBatch(
        await settingsOf(options),
        images,
        {
          k: options.k,
          jobs: options.jobs,
          format: options.format ?? 'table',
          ...(options.analyses ? { analyses: options.analyses } : {}),
          ...(options.requireLive ? { requireLive: true } : {}),
        },
        output,
      );
    }),
  );
}

async function identify(image: string, options: IdentifyOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const store = await openSettingsStore(settings, { readOnly: true });
  const recognizer = await openRecognizer(settings, {
    store,
    ...(options.analyses ? { analyses: options.analyses } : {}),
    ...(options.requireLive ? { requireLive: true } : {}),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  try {
    const faces = await recognizer.identify(image, { k: options.k, ...(options.analyses ? { analyses: options.analyses } : {}) });
    const audit = await commandAudit(settings.store);
    const subjects = revealedSubjects(faces.flatMap((f) => f.candidates.map((c) => c.label)));
    await audit?.record({ action: 'search', subjects, count: faces.length, detail: 'identify' });
    const recognised = faces.filter((f) => f.prediction !== UNKNOWN_LABEL).length;
    output.result({
      image,
      threshold: recognizer.threshold,
      metric: recognizer.metric.id,
      model: recognizer.encoder.info.model.id,
      faces: faces.map((f) => ({
        box: f.detection.box,
        score: f.detection.score,
        prediction: f.prediction,
        candidates: f.candidates,
        ...(f.analysis ? { analysis: f.analysis } : {}),
        ...(f.rejected ? { rejected: f.rejected } : {}),
      })),
    });
    const { colour } = output;
    if (faces.length === 0) output.line('No face found.');
    faces.forEach((face, i) => {
      const known = face.prediction !== UNKNOWN_LABEL;
      const answer = face.rejected ? colour.red(`rejected (${face.rejected.message})`) : known ? colour.green(face.prediction) : colour.yellow(face.prediction);
      output.line(`${colour.bold(`face ${i + 1}`)} ${colour.dim(describeBox(face.detection.box))}: ${answer}`);
      if (face.analysis) output.line(`  ${analysisParts(face.analysis, output).join('  ')}`);
      for (const c of face.candidates) output.line(`  ${c.label.padEnd(24)} ${formatDistance(c.distance)}`);
    });
    const rejected = faces.filter((f) => f.rejected).length;
    output.line(
      colour.dim(`${recognised} of ${faces.length} faces recognised${rejected > 0 ? `, ${rejected} rejected as not live` : ''} (threshold ${formatDistance(recognizer.threshold)}, ${recognizer.metric.id})`),
    );
    return recognised > 0 ? ExitCode.ok : ExitCode.negative;
  } finally {
    await recognizer.close();
  }
}
