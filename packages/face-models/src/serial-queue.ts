/**
 * Runs tasks one at a time, in call order. A model is driven by one caller at a time so that the input
 * buffer it reuses is never overwritten mid-run; concurrent callers queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
