import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { labelForEntry, NotFoundError } from '@pv/core';
import { listImageFiles } from '@pv/embedder-onnx-node';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  faceFilterOf,
  withExamples,
  withFaceFilter,
  withJobs,
  withJson,
  withPipeline,
  type FaceFilterOptions,
  type JobsOptions,
  type PipelineOptions,
} from '../cli-options.js';
import { clusterPhotos, droppedText, type PhotoClustering } from '../cluster-photos.js';
import { displayPath, plural } from '../display.js';
import { failureReason, openFaceFileSource } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { settingsOf } from '../pipeline.js';
import { createProgress } from '../progress.js';

/** Options of `pv cluster`. */
export interface ClusterOptions extends PipelineOptions, JobsOptions, FaceFilterOptions {
  readonly out: string;
  readonly annotate?: string;
  readonly labelsFromSubfolders?: boolean;
}

/** Registers `pv cluster`. */
export function registerCluster(program: Command, run: CommandRunner): void {
  const command = program
    .command('cluster')
    .summary('group unlabelled photos by person, with an HTML contact sheet')
    .description(
      'Group unlabelled photos by person: every face of every photo, clustered by average linkage cut at the model threshold. ' +
        'Writes clusters.json and contact-sheet.html (a card per person seen in several photos, a grid of the faces seen once, each face ' +
        'linked to its photo) to --out. --annotate DIR also writes every photo with its faces boxed in their cluster colour, named, with ' +
        'the mean distance to the cluster; --min-face-size and --min-score drop likely false positives first.',
    )
    .argument('<dir>', 'a directory of photos (and its direct subfolders)')
    .option('--out <dir>', 'where clusters.json and contact-sheet.html go', 'pv-clusters')
    .option('--labels-from-subfolders', 'the subfolders name the people: also report clustering purity against them')
    .option('--annotate <dir>', 'also write a copy of every photo with its faces boxed, named by cluster and with their distances');
  withFaceFilter(command);
  withPipeline(command);
  withJobs(command);
  withJson(command);
  withExamples(
    command,
    'pv cluster holiday-photos/ --out holiday-people',
    'pv cluster holiday-photos/ --annotate holiday-people/photos --min-face-size 40',
    'pv cluster people/ --labels-from-subfolders --json',
  );
  command.action((dir: string, options: ClusterOptions) => run(options, (output) => cluster(dir, options, output)));
}

async function cluster(dir: string, options: ClusterOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const { metric, threshold } = settings;
  const filter = faceFilterOf(options);
  const entries = await listImageFiles(dir);
  if (entries.length === 0) throw new NotFoundError(`No image files in ${dir}`, { directory: dir });
  const relativeOf = new Map(entries.map((e) => [e.path, e.relativePath]));
  const source = await openFaceFileSource(settings, { jobs: options.jobs, facePolicy: 'all' });
  const progress = createProgress(!output.json, (line) => output.line(line));
  const interruption = catchInterrupt((text) => progress.note(output.colour.yellow(text)));
  let clustering: PhotoClustering;
  try {
    clustering = await clusterPhotos({
      files: entries.map((e) => e.path),
      source,
      metric,
      threshold,
      outDir: path.resolve(options.out),
      title: `pv cluster ${dir}`,
      ...(options.labelsFromSubfolders ? { truth: (file: string) => labelForEntry({ relativePath: relativeOf.get(file) as string }, 'subfolders') } : {}),
      progress,
      onFailure: (f) => progress.log(`${output.colour.red(failureReason(f.code).padEnd(14))}${displayPath(f.file)}`),
      signal: interruption.signal,
      filter,
      ...(options.annotate !== undefined ? { annotateDir: path.resolve(options.annotate) } : {}),
    });
  } finally {
    interruption.dispose();
    await source.close();
  }
  printClustering(clustering, output);
  if (clustering.interrupted) return ExitCode.interrupted;
  return clustering.failures.length > 0 ? ExitCode.negative : ExitCode.ok;
}

/**
 * Prints a clustering's summary (human) or the whole of it (JSON), naming photos with `nameOf` (default:
 * relative to the working directory). Shared with `pv demo`.
 */
export function printClustering(clustering: PhotoClustering, output: Output, nameOf: (file: string) => string = displayPath): void {
  output.result(clustering);
  const { colour } = output;
  const groups = clustering.clusters.filter((c) => c.faces.length > 1).length;
  if (clustering.interrupted) output.line(colour.yellow('Interrupted: the clusters cover the photos processed before Ctrl-C.'));
  output.line(
    `${plural(clustering.faces, 'face')} in ${plural(clustering.photos, 'photo')} → ${colour.bold(plural(clustering.clusters.length, 'cluster'))} ` +
      `(${groups} with several faces, ${clustering.clusters.length - groups} single) at threshold ${formatDistance(clustering.threshold)} ${clustering.metric}.`,
  );
  for (const c of clustering.clusters.filter((x) => x.faces.length > 1)) {
    const photos = [...new Set(c.faces.map((f) => nameOf(f.file)))];
    output.line(`  ${c.name.padEnd(10)} ${plural(c.faces.length, 'face').padEnd(9)} ${colour.dim(photos.slice(0, 4).join(', ') + (photos.length > 4 ? ', …' : ''))}`);
  }
  if (clustering.quality) {
    const q = clustering.quality;
    output.line(`purity ${q.purity.toFixed(3)}, inverse purity ${q.inversePurity.toFixed(3)} against ${plural(q.labels, 'subfolder label')}`);
  }
  if (clustering.dropped.tooSmall + clustering.dropped.lowScore > 0) output.line(colour.yellow(`${droppedText(clustering).replace(/^d/u, 'D')}.`));
  if (clustering.failures.length > 0) {
    output.line(colour.red(`${plural(clustering.failures.length, 'photo')} gave no face:`));
    for (const f of clustering.failures) output.line(`  ${failureReason(f.code).padEnd(14)}${displayPath(f.file)}: ${colour.dim(f.message)}`);
  }
  output.line(`Wrote ${displayPath(clustering.files.json)} and ${displayPath(clustering.files.html)}`);
  if (clustering.files.photos) output.line(`Annotated photos in ${displayPath(clustering.files.photos)}`);
  if (clustering.files.people) output.line(`Face crops of the people seen more than once in ${displayPath(clustering.files.people)}`);
  output.line(`Open ${colour.cyan(pathToFileURL(clustering.files.html).href)} in a browser.`);
}
