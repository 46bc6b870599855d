import {
  failureOf,
  nameInput,
  type EncodeManyOptions,
  type EncodeOptions,
  type EncodeResult,
  type FaceEncoder,
  type NamedImageInput,
} from '@pv/core';

/**
 * `FaceEncoder.encodeMany` for an encoder whose `encode` calls run in parallel: keeps up to
 * `encoder.info.concurrency` inputs running (so a long stream is never read ahead further than that),
 * yields results in completion order, and stops starting inputs once `options.signal` is aborted. A failed
 * input is a result with `ok: false`, except errors for which `isFatal` holds: those end the iteration by
 * being thrown (e.g. a broken worker pool).
 */
export async function* encodeConcurrently(
  encoder: FaceEncoder,
  inputs: Iterable<NamedImageInput> | AsyncIterable<NamedImageInput>,
  options: EncodeManyOptions,
  isFatal: (error: unknown) => boolean,
): AsyncGenerator<EncodeResult> {
  const total = Array.isArray(inputs) ? inputs.length : undefined;
  const single: EncodeOptions = options.facePolicy !== undefined ? { facePolicy: options.facePolicy } : {};
  const iterator = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
  const finished: EncodeResult[] = [];
  let fatal: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  let running = 0;
  let index = 0;
  let done = 0;
  let exhausted = false;
  const start = (item: NamedImageInput): void => {
    const i = index++;
    const { input, name } = nameInput(item, i);
    running++;
    encoder.encode(input, single).then(
      (faces) => finished.push({ index: i, name, ok: true, faces }),
      (error: unknown) => {
        if (isFatal(error)) fatal ??= { error };
        else finished.push({ index: i, name, ok: false, failure: failureOf(name, error) });
      },
    ).finally(() => {
      running--;
      wake?.();
    });
  };
  while (true) {
    while (!exhausted && fatal === undefined && running < encoder.info.concurrency && !options.signal?.aborted) {
      const next = await iterator.next();
      if (next.done === true) exhausted = true;
      else start(next.value);
    }
    if (fatal) throw fatal.error;
    const result = finished.shift();
    if (result) {
      done++;
      options.onProgress?.({ done, total, name: result.name, ok: result.ok, ...(result.ok ? {} : { failure: result.failure }) });
      yield result;
      continue;
    }
    if (running === 0) return;
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
}
