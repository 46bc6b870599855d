export { createProgram, runCli, type CommandRunner } from './cli.js';
export { ExitCode, type ExitStatus } from './output.js';
