import { SingleBar } from 'cli-progress';
import type { ModelFetchProgress } from './fetch-models.js';

/** A progress display for {@link ModelFetchProgress} events. */
export interface TerminalProgress {
  /** Pass as `onProgress`. */
  readonly onProgress: (progress: ModelFetchProgress) => void;
  /** Finishes the bar (leaves the last state on screen). Call once when fetching is over, even after an error. */
  stop(): void;
}

/**
 * A download progress bar on `stream` (standard error by default), drawn with `cli-progress`, one bar per
 * download. Draws nothing when the stream is not a TTY (pipes, CI logs), so it is safe to always use.
 *
 * @example
 * ```ts
 * const progress = createTerminalProgress();
 * try {
 *   await prefetchDefaultModels({ onProgress: progress.onProgress });
 * } finally {
 *   progress.stop();
 * }
 * ```
 */
export function createTerminalProgress(stream: NodeJS.WriteStream = process.stderr): TerminalProgress {
  if (!stream.isTTY) return { onProgress: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  let current: string | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    onProgress: ({ id, receivedBytes, totalBytes }) => {
      if (current !== id || bar === undefined) {
        stop();
        current = id;
        bar = new SingleBar({
          stream,
          format: '{id} [{bar}] {percentage}% | {receivedMb} / {totalMb} MB',
          hideCursor: true,
          clearOnComplete: false,
        });
        bar.start(totalBytes ?? 0, 0, { id, receivedMb: '0.0', totalMb: megabytes(totalBytes) });
      }
      if (totalBytes !== null) bar.setTotal(totalBytes);
      bar.update(receivedBytes, { receivedMb: megabytes(receivedBytes), totalMb: megabytes(totalBytes) });
    },
    stop,
  };
}

function megabytes(bytes: number | null): string {
  return bytes === null ? '?' : (bytes / 1e6).toFixed(1);
}
