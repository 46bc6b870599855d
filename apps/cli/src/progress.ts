import cliProgress from 'cli-progress';

/** A progress reporter for a long operation. */
export interface Progress {
  /** Shows a bar for `total` steps. */
  start(total: number, label: string): void;
  /** Moves the bar to `done` steps, naming the item just finished. */
  update(done: number, detail?: string): void;
  /** Prints a line of output without breaking the bar. */
  log(line: string): void;
  /** Prints a line for the person watching on standard error, above the bar while one is drawn. */
  note(line: string): void;
  /** Removes the bar. Safe to call more than once. */
  stop(): void;
}

/**
 * A progress bar with count and ETA on standard error, drawn by `cli-progress` (well kept; handles terminal
 * width, ETA smoothing and redraw throttling), only when `enabled` (not `--json`) and standard error is a
 * terminal; otherwise the bar is silent so pipes and logs stay clean. Lines passed to `log` go through
 * `print` (standard output), except while a bar shares the terminal with standard output: then they are
 * written above the bar.
 */
export function createProgress(enabled: boolean, print: (line: string) => void): Progress {
  const note = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  if (!enabled || !process.stderr.isTTY) {
    return { start() {}, update() {}, log: print, note, stop() {} };
  }
  const sharesTerminal = Boolean(process.stdout.isTTY);
  let bars: cliProgress.MultiBar | undefined;
  let bar: cliProgress.SingleBar | undefined;
  const stop = (): void => {
    if (!bars) return;
    bars.update();
    bars.stop();
    bars = undefined;
    bar = undefined;
  };
  return {
    start(total, label) {
      stop();
      bars = new cliProgress.MultiBar(
        {
          stream: process.stderr,
          format: '{label} [{bar}] {value}/{total} | ETA {eta_formatted} | {detail}',
          hideCursor: true,
          clearOnComplete: true,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      );
      bar = bars.create(total, 0, { label, detail: '' });
    },
    update(done, detail = '') {
      bar?.update(done, { detail: detail.length > 40 ? `…${detail.slice(-39)}` : detail });
    },
    log(line) {
      if (bars && sharesTerminal) bars.log(`${line}\n`);
      else print(line);
    },
    note(line) {
      if (bars) bars.log(`${line}\n`);
      else note(line);
    },
    stop,
  };
}
