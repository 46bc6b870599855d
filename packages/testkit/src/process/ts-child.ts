/// <reference types="node" />
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

/** How a child process ended, with everything it wrote to stderr. */
export interface TsChildExit {
  /** The exit code, or `null` when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or `null` when it exited by itself. */
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** A TypeScript child process started by {@link startTsChild}, and the lines it prints. */
export interface TsChild {
  /** The process: send it signals (`kill('SIGKILL')`), write to or end its `stdin`. */
  readonly process: ChildProcessWithoutNullStreams;
  /** Every complete stdout line so far (without the newline). */
  readonly lines: readonly string[];
  /**
   * Resolves as soon as `predicate` holds for the lines printed so far (at once if it already does);
   * rejects, with the child's stderr in the message, if the child ends before it holds.
   */
  waitFor(predicate: (lines: readonly string[]) => boolean): Promise<void>;
  /** Resolves once the child has ended and its output has been read to the end. */
  readonly exited: Promise<TsChildExit>;
}

/** Options of {@link startTsChild}. */
export interface TsChildOptions {
  /**
   * The working directory, from which `tsx` is resolved. Default: the script's directory, so that the
   * package holding the script (which lists `tsx` as a dev dependency) provides it.
   */
  readonly cwd?: string;
}

/**
 * Starts `script` (a `.ts` file, run through `tsx` with the `pv-source` export condition, so that
 * workspace packages load from their sources) with `args` in a fresh Node process, for tests that need a
 * second process: a writer killed mid-write, readers beside a writer, two writers on one store.
 *
 * @example
 * ```ts
 * const child = startTsChild(path.join(here, 'writer.fixture.ts'), [file]);
 * await child.waitFor((lines) => lines.includes('ready'));
 * child.process.kill('SIGKILL');
 * expect((await child.exited).signal).toBe('SIGKILL');
 * ```
 */
export function startTsChild(script: string, args: readonly string[] = [], options: TsChildOptions = {}): TsChild {
  const child = spawn(process.execPath, ['--conditions=pv-source', '--import', 'tsx', script, ...args], {
    cwd: options.cwd ?? path.dirname(script),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { predicate: (lines: readonly string[]) => boolean; resolve: () => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const waiter of [...waiters]) {
      if (!waiter.predicate(lines)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<TsChildExit>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    lines,
    exited,
    waitFor(predicate) {
      if (predicate(lines)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(({ code, signal }) => {
          if (predicate(lines)) return;
          reject(new Error(`The child ended (code ${code}, signal ${signal}) before the expected output; stderr:\n${stderr}`));
        });
      });
    },
  };
}
