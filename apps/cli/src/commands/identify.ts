import { UNKNOWN_LABEL } from '@pv/core';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { parsePositiveInteger, withExamples, withJson, withPipeline, withStore, type PipelineOptions, type StoreOptions } from '../cli-options.js';
import { describeBox } from '../faces.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { openRecognizer, openSettingsStore, settingsOf } from '../pipeline.js';

/** Options of `pv identify`. */
export interface IdentifyOptions extends PipelineOptions, StoreOptions {
  readonly k: number;
}

/** Registers `pv identify`. */
export function registerIdentify(program: Command, run: CommandRunner): void {
  const command = program
    .command('identify')
    .summary('who is in this photo? top-k people per face')
    .description(
      'Who is in <image>? Every face with its k most similar enrolled people and their distances. ' +
        'Exit code 0 when at least one face is recognised, 1 when none is (no face, or only unknown faces), 2 on error.',
    )
    .argument('<image>', 'a photo')
    .addOption(new Option('--k <n>', 'candidate people per face').argParser(parsePositiveInteger).default(5));
  withPipeline(command);
  withStore(command);
  withJson(command);
  withExamples(command, 'pv identify group.jpg --k 3');
  command.action((image: string, options: IdentifyOptions) => run(options, (output) => identify(image, options, output)));
}

async function identify(image: string, options: IdentifyOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const store = await openSettingsStore(settings, { readOnly: true });
  const recognizer = await openRecognizer(settings, { store }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  try {
    const faces = await recognizer.identify(image, { k: options.k });
    const recognised = faces.filter((f) => f.prediction !== UNKNOWN_LABEL).length;
    output.result({
      image,
      threshold: recognizer.threshold,
      metric: recognizer.metric.id,
      model: recognizer.encoder.info.model.id,
      faces: faces.map((f) => ({ box: f.detection.box, score: f.detection.score, prediction: f.prediction, candidates: f.candidates })),
    });
    const { colour } = output;
    if (faces.length === 0) output.line('No face found.');
    faces.forEach((face, i) => {
      const known = face.prediction !== UNKNOWN_LABEL;
      output.line(
        `${colour.bold(`face ${i + 1}`)} ${colour.dim(describeBox(face.detection.box))}: ${known ? colour.green(face.prediction) : colour.yellow(face.prediction)}`,
      );
      for (const c of face.candidates) output.line(`  ${c.label.padEnd(24)} ${formatDistance(c.distance)}`);
    });
    output.line(
      colour.dim(`${recognised} of ${faces.length} faces recognised (threshold ${formatDistance(recognizer.threshold)}, ${recognizer.metric.id})`),
    );
    return recognised > 0 ? ExitCode.ok : ExitCode.negative;
  } finally {
    await recognizer.close();
  }
}
