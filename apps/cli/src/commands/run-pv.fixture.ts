import { PassThrough } from 'node:stream';
import { runCli } from '../cli.js';

/** What one `pv` run printed and returned. */
export interface PvRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pv` in this process with `argv`, capturing standard output and error. */
export async function pv(...argv: string[]): Promise<PvRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const status = await runCli(argv, { stdout, stderr });
  return { status, stdout: out.join(''), stderr: err.join('') };
}
