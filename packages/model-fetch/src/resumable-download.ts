import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AbortedError, ModelIntegrityError, ModelUnavailableError } from '@pv/core';
import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';

/** The proxy settings a download uses, as in the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, any case). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * An undici dispatcher that sends requests through `HTTPS_PROXY` (https URLs) or `HTTP_PROXY` (http URLs)
 * unless `NO_PROXY` excludes the host, read from `env` only (upper case wins over lower case, as curl does).
 * Close it when done.
 */
export function proxyDispatcher(env: ProxyEnvironment): Dispatcher {
  const pick = (name: string): string => env[name] ?? env[name.toLowerCase()] ?? '';
  return new EnvHttpProxyAgent({ httpProxy: pick('HTTP_PROXY'), httpsProxy: pick('HTTPS_PROXY') || pick('HTTP_PROXY'), noProxy: pick('NO_PROXY') });
}

/** What {@link downloadResumably} needs to know. */
export interface ResumableDownload {
  readonly url: string;
  /** The partial file (`*.part`): what is already there is kept and continued with an HTTP Range request. */
  readonly part: string;
  /** The exact size expected, when known: a server announcing another size is refused before downloading. */
  readonly size?: number;
  /** The largest size accepted. */
  readonly maxSize: number;
  readonly dispatcher: Dispatcher;
  /** Tries, counting the first (a 5xx answer or a broken connection costs one; what arrived is kept). */
  readonly attempts: number;
  /** Pause before trying again, in milliseconds (doubles each time). */
  readonly retryDelayMs: number;
  /** Added to `E_MODEL_UNAVAILABLE` messages: what the user can do instead. */
  readonly hint: string;
  readonly onProgress?: (receivedBytes: number, totalBytes: number | null) => void;
  readonly signal?: AbortSignal;
}

/**
 * Downloads `url` into `part`, continuing a partial file with `Range: bytes=<size>-` (a server that answers
 * 200 instead of 206 restarts it from zero). Retries 5xx answers and broken connections up to `attempts`
 * times, each continuing where the last stopped. A size other than the expected one (announced or received)
 * is `E_MODEL_INTEGRITY` and removes the part. A refusal (4xx) or an unreachable host is
 * `E_MODEL_UNAVAILABLE` at once; a part that stopped short is kept so the next call continues it.
 * Returns the complete part's size.
 */
export async function downloadResumably(d: ResumableDownload): Promise<number> {
  await mkdir(dirname(d.part), { recursive: true });
  let lastProblem = '';
  for (let attempt = 1; attempt <= d.attempts; attempt++) {
    if (attempt > 1) await sleep(d.retryDelayMs * 2 ** (attempt - 2), undefined, d.signal ? { signal: d.signal } : {}).catch(() => undefined);
    if (d.signal?.aborted) throw new AbortedError();
    const offset = await sizeOf(d.part);
    const headers: Record<string, string> = { 'user-agent': 'pv-model-fetch', ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      response = await undiciFetch(d.url, { headers, dispatcher: d.dispatcher, redirect: 'follow', ...(d.signal ? { signal: d.signal } : {}) });
    } catch (error) {
      if (d.signal?.aborted) throw new AbortedError();
      throw new ModelUnavailableError(`Cannot reach ${new URL(d.url).host} to download ${d.url} (${describe(error)}). ${d.hint}`, { url: d.url }, { cause: error });
    }
    if (response.status === 416) {
      // The part is not a prefix the server can continue (e.g. the file changed): start again.
      await response.body?.cancel();
      await rm(d.part, { force: true });
      lastProblem = 'HTTP 416 for the partial file';
      continue;
    }
    if (response.status >= 500) {
      await response.body?.cancel();
      lastProblem = `HTTP ${response.status}`;
      continue;
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel();
      throw new ModelUnavailableError(`${new URL(d.url).host} answered HTTP ${response.status} for ${d.url}. ${d.hint}`, { url: d.url, status: response.status });
    }
    let start = 0;
    let total: number | null;
    if (response.status === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/u.exec(response.headers.get('content-range') ?? '');
      if (range === null || Number(range[1]) !== offset) {
        await response.body?.cancel();
        await rm(d.part, { force: true });
        lastProblem = `an unusable Content-Range (${response.headers.get('content-range') ?? 'none'})`;
        continue;
      }
      start = offset;
      total = Number(range[3]);
    } else {
      const length = response.headers.get('content-length');
      total = length === null ? null : Number(length);
    }
    if (total !== null) await refuseSize(d, total, 'announces', response);
    let received = start;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > (total ?? d.maxSize)) {
          callback(sizeError(d, received, 'sent more than'));
          return;
        }
        d.onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    if (response.body === null) throw new ModelUnavailableError(`${d.url} answered without a body. ${d.hint}`, { url: d.url });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(d.part, { flags: start > 0 ? 'a' : 'w' }));
    } catch (error) {
      if (error instanceof ModelIntegrityError) {
        await rm(d.part, { force: true });
        throw error;
      }
      if (d.signal?.aborted) throw new AbortedError();
      lastProblem = `the connection broke after ${received} bytes (${describe(error)})`;
      continue;
    }
    if (total !== null && received !== total) {
      lastProblem = `the server stopped after ${received} of ${total} bytes`;
      continue;
    }
    if (d.size !== undefined && received !== d.size) await refuseSize(d, received, 'sent', response);
    return received;
  }
  throw new ModelUnavailableError(
    `Downloading ${d.url} failed ${d.attempts} times; last: ${lastProblem}. What arrived is kept in ${d.part}: fetch again to continue. ${d.hint}`,
    { url: d.url, part: d.part },
  );
}

async function refuseSize(d: ResumableDownload, size: number, verb: string, response: { body: { cancel(): Promise<void> } | null }): Promise<void> {
  if ((d.size !== undefined && size !== d.size) || size > d.maxSize) {
    await response.body?.cancel().catch(() => undefined);
    await rm(d.part, { force: true });
    throw sizeError(d, size, verb);
  }
}

function sizeError(d: ResumableDownload, size: number, verb: string): ModelIntegrityError {
  const expected = d.size !== undefined ? `${d.size} bytes are pinned` : `at most ${d.maxSize} bytes are accepted`;
  return new ModelIntegrityError(`${d.url} ${verb} ${size} bytes, but ${expected}; nothing was kept`, { url: d.url, size, expected: d.size ?? d.maxSize });
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
