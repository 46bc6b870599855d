import { isPvError, PvError } from '@pv/core';
import pc from 'picocolors';

/** Exit codes of every `pv` command. */
export const ExitCode = {
  /** Success (for `verify`/`compare`: a match). */
  ok: 0,
  /** A negative answer (no match, nobody recognised) or a batch in which some files failed. */
  negative: 1,
  /** An error: bad arguments, unreadable input, missing models, a store that cannot be opened. */
  error: 2,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); what was done is kept. */
  interrupted: 130,
} as const;

/** One of {@link ExitCode}'s values. */
export type ExitStatus = (typeof ExitCode)[keyof typeof ExitCode];

/** The colour helpers in use (no-ops without a TTY). */
export interface Colours {
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

/** Where a command writes, and how. */
export interface Output {
  /** Machine-readable output (`--json`). */
  readonly json: boolean;
  /** Standard output is a terminal (colours are on). */
  readonly tty: boolean;
  readonly colour: Colours;
  /** Prints one line of human output (nothing in JSON mode). */
  line(text?: string): void;
  /** Prints the JSON result (only in JSON mode). */
  result(value: unknown): void;
  /** A warning or note for the person watching, on standard error (also in JSON mode). */
  note(text: string): void;
  /** Reports an error (JSON on standard output in JSON mode, a line on standard error otherwise) and returns its {@link exitCodeOf}. */
  error(error: unknown): ExitStatus;
}

/** The streams an {@link Output} writes to. */
export interface OutputStreams {
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream;
}

/** An {@link Output} over process streams; colours only when standard output is a terminal and `NO_COLOR` is unset. */
export function createOutput(options: { readonly json: boolean; readonly streams?: OutputStreams }): Output {
  const { stdout, stderr } = options.streams ?? process;
  const tty = Boolean(stdout.isTTY) && !process.env.NO_COLOR;
  const colour = pc.createColors(tty);
  const errorColour = pc.createColors(Boolean((stderr as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR);
  return {
    json: options.json,
    tty,
    colour,
    line(text = '') {
      if (!options.json) stdout.write(`${text}\n`);
    },
    result(value) {
      if (options.json) stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
    },
    note(text) {
      stderr.write(`${text}\n`);
    },
    error(error) {
      const described = describeError(error);
      if (options.json) stdout.write(`${JSON.stringify({ error: described }, jsonReplacer, 2)}\n`);
      else stderr.write(`${errorColour.red('error')} ${errorColour.dim(described.code)} ${described.message}\n`);
      return exitCodeOf(error);
    },
  };
}

/**
 * The exit code of a command that failed with `error`: a photo without a face, or a face refused by
 * `--require-live` (`E_FACE_REJECTED`), is a negative answer ({@link ExitCode.negative}: nobody to recognise or
 * match) for every command; anything else is {@link ExitCode.error}.
 */
export function exitCodeOf(error: unknown): ExitStatus {
  return isPvError(error, 'E_NO_FACE') || isPvError(error, 'E_FACE_REJECTED') ? ExitCode.negative : ExitCode.error;
}

/** An error as the CLI reports it. */
export interface DescribedError {
  /** The `PvError` code, or `E_UNEXPECTED`. */
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** The code, message and details of any thrown value. */
export function describeError(error: unknown): DescribedError {
  if (error instanceof PvError) {
    return { code: error.code, message: error.message, ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}) };
  }
  return { code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

/** JSON.stringify replacer: typed arrays become plain arrays (7 significant digits), maps become objects. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return Array.from(value, (x) => Number(x.toPrecision(7)));
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

/** Formats a distance for people. */
export function formatDistance(d: number): string {
  return d.toFixed(4);
}
