/** What one shed-log line reports. */
export interface ShedLine {
  /** The error code of the refusal that is logged (`E_BUSY`). */
  readonly code: string;
  /** Refusals since the previous line that were not logged on their own. */
  readonly suppressed: number;
}

/**
 * Rate-limits the log of load shedding (503 answers the server gives on purpose, such as `E_BUSY` when the
 * inference queue is full). Under overload these come by the thousand a second; each is expected, so it is
 * logged at `warn` without a stack, at most one line per `intervalMs`, and that line counts the refusals left
 * out since the one before.
 */
export class ShedLog {
  readonly #write: (line: ShedLine) => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  #suppressed = 0;

  /** `write` logs one line; `now` is the clock (milliseconds), replaceable in tests. */
  constructor(write: (line: ShedLine) => void, intervalMs = 1000, now: () => number = Date.now) {
    this.#write = write;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Notes one refusal: logs it now, or counts it into the next line. */
  note(code: string): void {
    const now = this.#now();
    if (now - this.#last < this.#intervalMs) {
      this.#suppressed += 1;
      return;
    }
    this.#last = now;
    const suppressed = this.#suppressed;
    this.#suppressed = 0;
    this.#write({ code, suppressed });
  }
}
