import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { UNKNOWN_LABEL } from '@pv/core';
import { Option, type Command } from 'commander';
import sharp from 'sharp';
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
import { formatDistance, type ExitStatus } from '../output.js';
import { settingsOf } from '../pipeline.js';
import { identifyBatch, type IdentifiedFace } from './identify-batch.js';

/** Options of `pv annotate`. */
export interface AnnotateOptions extends PipelineOptions, StoreOptions, JobsOptions {
  readonly out: string;
}

/** Box colours: recognised people green, unknown faces orange. */
export const ANNOTATION_COLOURS = { known: '#00c800', unknown: '#ff8c00' } as const;

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
  return path.join(out, `${path.parse(file).name}.png`);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

/** Draws the faces' boxes, names and distances on a PNG copy of `file` (an SVG overlay composited by sharp). */
export async function drawFaces(file: string, faces: readonly IdentifiedFace[], target: string): Promise<void> {
  const image = sharp(file);
  const { width = 0, height = 0 } = await image.metadata();
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 150));
  const font = Math.max(12, Math.round(Math.min(width, height) / 30));
  const shapes = faces.map((face) => {
    const colour = face.prediction === UNKNOWN_LABEL ? ANNOTATION_COLOURS.unknown : ANNOTATION_COLOURS.known;
    // Whole-pixel edges, so the strokes are solid colour rather than blended into the photo.
    const x = Math.round(face.box.x);
    const y = Math.round(face.box.y);
    const w = Math.round(face.box.x + face.box.width) - x;
    const h = Math.round(face.box.y + face.box.height) - y;
    const caption = `${face.prediction}${face.distance === null ? '' : ` ${formatDistance(face.distance)}`}`;
    const textY = y + h + font + stroke;
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>` +
      `<text x="${x}" y="${textY > height ? y - stroke * 2 : textY}" font-family="sans-serif" font-size="${font}" fill="${colour}" stroke="black" stroke-width="0.5">${escapeXml(caption)}</text>`
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  await image.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]).png().toFile(target);
}
