import { mkdir } from 'node:fs/promises';
import { InvalidArgumentError, type FacePolicy, type VerifyResult } from '@pv/core';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  withExamples,
  withFacePolicy,
  withJson,
  withLiveness,
  withPipeline,
  withStore,
  type LivenessOptions,
  type PipelineOptions,
  type StoreOptions,
} from '../cli-options.js';
import { displayPath } from '../display.js';
import { drawFaceMarks, drawnCopyPath, MARK_COLOURS, type FaceMark } from '../face-drawing.js';
import { describeBox } from '../faces.js';
import { analysisParts } from './analyze.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { revealedSubjects } from '@pv/privacy';
import { commandAudit } from '../command-audit.js';
import { openRecognizer, openSettingsStore, settingsOf } from '../pipeline.js';

/** Options of `pv verify`. */
export interface VerifyOptions extends PipelineOptions, StoreOptions, LivenessOptions {
  readonly label: string;
  readonly faces: FacePolicy;
  readonly annotate?: string;
}

/** Registers `pv verify`. */
export function registerVerify(program: Command, run: CommandRunner): void {
  const command = program
    .command('verify')
    .summary('is this photo the enrolled person --label? (exit 0 yes, 1 no)')
    .description(
      "Is the face in <image> the enrolled person --label? (the reference's compare). Prints match, prediction and distance; " +
        'exit code 0 on a match, 1 on no match (or a face refused by --require-live), 2 on error.',
    )
    .argument('<image>', 'a photo (the largest face is used)')
    .requiredOption('--label <label>', 'the enrolled person to check against')
    .option('--annotate <dir>', 'also write a PNG copy of the photo into this folder: the verified face boxed with the label and distance (green match, red no match), other faces gray');
  withFacePolicy(command, 'largest', 'a photo with several faces: largest verifies the largest clear face (and says so), strict refuses it (E_MULTIPLE_FACES)');
  withLiveness(command);
  withPipeline(command);
  withStore(command);
  withJson(command);
  withExamples(
    command,
    'pv verify visitor.jpg --label alice',
    'pv verify visitor.jpg --label alice --require-live --analyses pose --json',
    'pv verify group.jpg --label alice --annotate checked/',
  );
  command.action((image: string, options: VerifyOptions) => run(options, (output) => verify(image, options, output)));
}

async function verify(image: string, options: VerifyOptions, output: Output): Promise<ExitStatus> {
  if (options.label.trim() === '') throw new InvalidArgumentError('--label must not be empty');
  const settings = await settingsOf(options);
  const store = await openSettingsStore(settings, { readOnly: true });
  const recognizer = await openRecognizer(settings, {
    store,
    facePolicy: options.faces,
    ...(options.analyses ? { analyses: options.analyses } : {}),
    ...(options.requireLive ? { requireLive: true } : {}),
  }).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  try {
    const result = await recognizer.verify(image, options.label, options.analyses ? { analyses: options.analyses } : {});
    const audit = await commandAudit(settings.store);
    await audit?.record({ action: 'search', subjects: revealedSubjects([options.label, result.prediction]), count: result.facesFound, detail: 'verify' });
    const annotated = options.annotate === undefined ? undefined : drawnCopyPath(options.annotate, image, '.png');
    if (annotated !== undefined && options.annotate !== undefined) {
      await mkdir(options.annotate, { recursive: true });
      await drawFaceMarks(image, verificationMarks(result, options.label), annotated);
    }
    output.result({
      match: result.match,
      label: options.label,
      prediction: result.prediction,
      distance: result.distance,
      nearestDistance: result.nearestDistance,
      threshold: result.threshold,
      metric: recognizer.metric.id,
      model: recognizer.encoder.info.model.id,
      box: result.detection?.box ?? null,
      facesFound: result.facesFound,
      ...(result.analysis ? { analysis: result.analysis } : {}),
      annotated: annotated ?? null,
    });
    const { colour } = output;
    output.line(`match:      ${result.match ? colour.green('yes') : colour.red('no')}`);
    output.line(`prediction: ${result.prediction}`);
    output.line(
      `distance:   ${formatDistance(result.distance)} to ${options.label} (threshold ${formatDistance(result.threshold)}, ${recognizer.metric.id})`,
    );
    if (result.detection) output.line(colour.dim(`face:       ${describeBox(result.detection.box)}`));
    if (result.analysis) output.line(`analysis:   ${analysisParts(result.analysis, output).join('  ')}`);
    if (result.facesFound > 1) {
      output.line(colour.yellow(`The photo holds ${result.facesFound} faces: the largest was verified (--faces strict refuses such photos).`));
    }
    if (annotated !== undefined) output.line(`Annotated copy: ${displayPath(annotated)}`);
    return result.match ? ExitCode.ok : ExitCode.negative;
  } finally {
    await recognizer.close();
  }
}

/**
 * What `pv verify --annotate` draws: the verified face green (match) or red (no match) with the claimed
 * label, the distance and the verdict; the photo's other faces gray, "not verified".
 */
export function verificationMarks(result: VerifyResult, label: string): FaceMark[] {
  const others = result.detections.filter((d) => d !== result.detection);
  return [
    ...others.map((d): FaceMark => ({ box: d.box, colour: MARK_COLOURS.other, caption: 'not verified' })),
    {
      box: result.detection.box,
      colour: result.match ? MARK_COLOURS.known : MARK_COLOURS.rejected,
      caption: `${label} ${formatDistance(result.distance)} ${result.match ? 'match' : 'no match'}`,
    },
  ];
}
