import { mkdir } from 'node:fs/promises';
import { UNKNOWN_LABEL } from '@pv/core';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  withExamples,
  withJobs,
  withJson,
  withPipeline,
  withStore,
  type JobsOptions,
  type PipelineOptions,
  type StoreOptions,
} from '../cli-options.js';
import { displayPath } from '../display.js';
import { drawFaceMarks, drawnCopyPath, MARK_COLOURS, type FaceMark } from '../face-drawing.js';
import { formatDistance, type ExitStatus } from '../output.js';
import { settingsOf } from '../pipeline.js';
import { identifyBatch, type IdentifiedFace } from './identify-batch.js';

/** Options of `pv annotate`. */
export interface AnnotateOptions extends PipelineOptions, StoreOptions, JobsOptions {
  readonly out: string;
}

/** Box colours: recognised people green, unknown faces orange. */
export const ANNOTATION_COLOURS = { known: MARK_COLOURS.known, unknown: MARK_COLOURS.unknown } as const;

/** Registers `pv annotate`. */
export function registerAnnotate(program: Command, run: CommandRunner): void {
  const command = program
    .command('annotate')
    .summary('copies of photos with every face boxed, named and its distance written')
    .description(
      'Identifies every face of the photos (as pv identify does) and writes a PNG copy of each photo to --out with the face boxes drawn: ' +
        'green with the name and distance for recognised people, orange for unknown faces. Prints one line per face and the summary of pv identify.',
    )
    .argument('<images...>', 'photos, or folders of photos')
    .addOption(new Option('--out <dir>', 'where the annotated copies go').default('pv-annotated'));
  withJobs(command);
  withPipeline(command);
  withStore(command);
  withJson(command);
  withExamples(command, 'pv annotate party/ --out annotated');
  command.action((images: string[], options: AnnotateOptions) =>
    run(options, async (output) => {
      await mkdir(options.out, { recursive: true });
      const status: ExitStatus = await identifyBatch(
        await settingsOf(options),
        images,
        { k: 1, jobs: options.jobs, format: 'table', onFile: (file, faces) => drawFaces(file, faces, annotatedPath(options.out, file)) },
        output,
      );
      output.line(`Annotated copies in ${displayPath(options.out)}`);
      return status;
    }),
  );
}

/** Where the annotated copy of `file` goes: `<out>/<name>.png`. */
export function annotatedPath(out: string, file: string): string {
  return drawnCopyPath(out, file, '.png');
}

/** The mark of an identified face: green with name and distance when recognised, orange when unknown. */
export function identifiedFaceMark(face: IdentifiedFace): FaceMark {
  return {
    box: face.box,
    colour: face.prediction === UNKNOWN_LABEL ? ANNOTATION_COLOURS.unknown : ANNOTATION_COLOURS.known,
    caption: `${face.prediction}${face.distance === null ? '' : ` ${formatDistance(face.distance)}`}`,
  };
}

/** Draws the faces' boxes, names and distances on a PNG copy of `file`. */
export function drawFaces(file: string, faces: readonly IdentifiedFace[], target: string): Promise<void> {
  return drawFaceMarks(file, faces.map(identifiedFaceMark), target);
}
