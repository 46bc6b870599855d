import { NotFoundError } from '@pv/core';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, type OutputOptions } from '../cli-options.js';

/** Registers `pv serve`, which says clearly that the demo server is not part of this version. */
export function registerServe(program: Command, run: CommandRunner): void {
  const command = program
    .command('serve')
    .summary('the demo web server (not in this version)')
    .description('Start the demo web server (not available in this version: exits with code 2).');
  withJson(command);
  withExamples(command, 'pv serve');
  command.action((options: OutputOptions) =>
    run(options, async () => {
      throw new NotFoundError('The demo server is not part of this version of pv yet; use `pv demo` for a tour without a server.', {
        command: 'serve',
      });
    }),
  );
}
