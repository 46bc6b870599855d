import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, withPipeline, type PipelineOptions } from '../cli-options.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { openRecognizer, settingsOf } from '../pipeline.js';

/** Registers `pv compare`. */
export function registerCompare(program: Command, run: CommandRunner): void {
  const command = program
    .command('compare')
    .summary('are two photos the same person? (exit 0 yes, 1 no)')
    .description('Are the largest faces of two photos the same person? Exit code 0 if so, 1 if not, 2 on error. Needs no store.')
    .argument('<a>', 'a photo')
    .argument('<b>', 'another photo');
  withPipeline(command);
  withJson(command);
  withExamples(command, 'pv compare passport.jpg selfie.jpg');
  command.action((a: string, b: string, options: PipelineOptions) => run(options, (output) => compare(a, b, options, output)));
}

async function compare(a: string, b: string, options: PipelineOptions, output: Output): Promise<ExitStatus> {
  const recognizer = await openRecognizer(await settingsOf(options));
  try {
    const result = await recognizer.compare(a, b);
    output.result({ same: result.match, distance: result.distance, threshold: result.threshold, metric: recognizer.metric.id, model: recognizer.encoder.info.model.id });
    const { colour } = output;
    output.line(`${result.match ? colour.green('same person') : colour.red('different people')}`);
    output.line(`distance:  ${formatDistance(result.distance)} (threshold ${formatDistance(result.threshold)}, ${recognizer.metric.id})`);
    return result.match ? ExitCode.ok : ExitCode.negative;
  } finally {
    await recognizer.close();
  }
}
