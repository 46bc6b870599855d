import { ExitCode } from './output.js';

/** Ctrl-C handling for a long operation. */
export interface Interruption {
  /** Aborted at the first Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Stops listening; call when the operation is over. */
  dispose(): void;
}

/**
 * Turns the first Ctrl-C (or SIGTERM) into an abort, so the operation stops between files, keeps what it
 * has written and prints its summary; `say` tells the user `stopping`. A second Ctrl-C quits at once.
 */
export function catchInterrupt(
  say: (text: string) => void,
  stopping = 'Stopping after the files in progress; everything done so far is kept.',
): Interruption {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      process.exit(ExitCode.interrupted);
    }
    say(`${stopping} Press Ctrl-C again to quit at once.`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
