import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerCalibrate } from './commands/calibrate.js';
import { registerAudit } from './commands/audit.js';
import { registerAnnotate } from './commands/annotate.js';
import { registerCluster } from './commands/cluster.js';
import { registerCompare } from './commands/compare.js';
import { registerDemo } from './commands/demo.js';
import { registerEnroll } from './commands/enroll.js';
import { registerEval } from './commands/eval.js';
import { registerIdentify } from './commands/identify.js';
import { registerKeys } from './commands/keys.js';
import { registerModels } from './commands/models.js';
import { registerPeople } from './commands/people.js';
import { registerServe } from './commands/serve.js';
import { registerStore } from './commands/store.js';
import { registerVerify } from './commands/verify.js';
import type { OutputOptions } from './cli-options.js';
import { createOutput, ExitCode, type ExitStatus, type Output, type OutputStreams } from './output.js';

/** Runs a command's work with an {@link Output} for its `--json` flag and records its exit status. */
export type CommandRunner = (options: OutputOptions, work: (output: Output) => Promise<ExitStatus>) => Promise<void>;

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The `pv` program with every command; `run` executes the actions. */
export function createProgram(run: CommandRunner, streams: OutputStreams = process): Command {
  const program = new Command('pv')
    .description('Face recognition from the terminal: enroll people, verify, identify, compare, cluster photos, evaluate models.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Exit codes (every command):
  0    success; verify/compare: a match; identify: someone recognised
  1    a negative answer: no match, nobody recognised, a photo without a face, a face refused by --require-live
       or --review (E_FACE_REJECTED), or a batch where some files failed
  2    an error: bad arguments, unreadable image, unknown label, missing store or models
  130  interrupted (Ctrl-C); finished work is kept

Example:
  $ pv enroll people/ && pv identify group.jpg
`,
    );
  registerEnroll(program, run);
  registerVerify(program, run);
  registerIdentify(program, run);
  registerCompare(program, run);
  registerAnnotate(program, run);
  registerCluster(program, run);
  registerEval(program, run);
  registerModels(program, run);
  registerPeople(program, run);
  registerStore(program, run);
  registerServe(program, run);
  registerKeys(program, run);
  registerDemo(program, run);
  registerAnalyze(program, run);
  registerCalibrate(program, run);
  registerAudit(program, run);
  return program;
}

/**
 * Runs `pv` with `argv` (without the node and script paths) and returns the exit status. Usage errors
 * (unknown commands or options, bad values) print commander's message with a suggestion and give
 * {@link ExitCode.error}.
 */
export async function runCli(argv: readonly string[], streams: OutputStreams = process): Promise<number> {
  let status: number = ExitCode.ok;
  const run: CommandRunner = async (options, work) => {
    const output = createOutput({ json: options.json === true, streams });
    try {
      status = await work(output);
    } catch (error) {
      status = output.error(error);
    }
  };
  const program = createProgram(run, streams);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version are requested output; anything else is a usage error.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
  }
  return status;
}
