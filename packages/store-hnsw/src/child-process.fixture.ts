import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A TypeScript child process (run through tsx on the workspace sources) and the lines it prints. */
export interface TsChild {
  readonly process: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves when `predicate` holds for the lines printed so far. */
  waitFor(predicate: (lines: readonly string[]) => boolean): Promise<void>;
  /** Resolves with the exit code (or signal) and stderr once the child ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `script` (a .ts file) with `args` in a fresh Node process. */
export function startTsChild(script: string, args: readonly string[]): TsChild {
  const child = spawn(process.execPath, ['--conditions=pv-source', '--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { predicate: (lines: readonly string[]) => boolean; resolve: () => void }[] = [];
  let pending = '';
  let stderr = '';
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate(lines)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    check();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    lines,
    exited,
    waitFor(predicate) {
      return new Promise<void>((resolve, reject) => {
        if (predicate(lines)) return resolve();
        waiters.push({ predicate, resolve });
        void exited.then(({ code, signal, stderr: err }) => {
          if (!predicate(lines)) reject(new Error(`child ended (code ${code}, signal ${signal}) before the expected output:\n${err}`));
        });
      });
    },
  };
}
