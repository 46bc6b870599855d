import { rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, ModelIntegrityError, NotFoundError } from '@pv/core';
import { DEFAULT_WEIGHTS_BASE_URL, findRemoteWeights, REMOTE_WEIGHT_IDS, type RemoteWeights, type RemoteWeightsFile } from '@pv/models';
import { modelsCacheDir } from './cache-dir.js';
import type { ModelFetchProgress } from './fetch-models.js';
import { downloadResumably, proxyDispatcher, type ProxyEnvironment } from './resumable-download.js';
import { readTrustRecords, recordTrust, type TrustedWeights } from './trusted-weights.js';
import { sha256OfFile } from './verify.js';

/** Options of {@link fetchRemoteWeights}. */
export interface FetchRemoteWeightsOptions {
  /** The cache directory; {@link modelsCacheDir} by default. Downloads go to `<cacheDir>/downloads/<id>/`. */
  readonly cacheDir?: string;
  /**
   * A base URL that serves the same paths as GitHub (e.g. an internal mirror,
   * `https://mirror.example/github/`); default `PV_WEIGHTS_MIRROR` from `env`, else `https://github.com/`.
   */
  readonly mirror?: string;
  /** The SHA-256 the file must have (for ids of one file): pins it instead of trusting the first download. */
  readonly sha256?: string;
  /** Where `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY` and `PV_WEIGHTS_MIRROR` are read; `process.env` by default. */
  readonly env?: ProxyEnvironment;
  /** Download progress, one file after another (`id` is the file name). */
  readonly onProgress?: (progress: ModelFetchProgress) => void;
  readonly signal?: AbortSignal;
  /** Tries per file (default 3): a 5xx answer or a broken connection is retried, continuing what arrived. */
  readonly attempts?: number;
  /** Pause before the second try in milliseconds, doubling after (default 1000). */
  readonly retryDelayMs?: number;
}

/** How a downloaded file's bytes are vouched for. */
export type WeightsTrust =
  /** Its SHA-256 is pinned by the catalog or by the caller's `sha256`. */
  | 'pinned'
  /** It matches the SHA-256 recorded when it was first downloaded. */
  | 'recorded'
  /** First download: nothing to compare with; its SHA-256 is recorded once `use` accepts it. */
  | 'first-use';

/** One downloaded, verified file. */
export interface DownloadedWeights {
  readonly name: string;
  /** Absolute path in the download cache. */
  readonly path: string;
  /** The URL it came from (or would have come from, when it was already cached). */
  readonly url: string;
  readonly sha256: string;
  readonly size: number;
  readonly trust: WeightsTrust;
  /** When `trust` is `recorded`: the earlier record. */
  readonly record?: TrustedWeights;
}

const SHA256 = /^[0-9a-f]{64}$/u;

/**
 * Downloads the files of the remote weights `id` (see `REMOTE_WEIGHTS` of `@pv/models`: `facenet-vggface2`,
 * `facenet-casia-webface`, `mtcnn`) into `<cacheDir>/downloads/<id>/`, verifies them, and hands them to
 * `use` (e.g. an importer that checks every key and shape and converts them). Files already downloaded and
 * still matching cost no request.
 *
 * Verification: size first (announced and received), then SHA-256 against the catalog's pin, the caller's
 * `sha256`, or the hash recorded at the first download (trust on first use, in
 * `<cacheDir>/trusted-weights.json`). A mismatch is `E_MODEL_INTEGRITY` and nothing is kept. A first
 * download's hash is recorded only after `use` succeeds; if `use` throws, the file is deleted. Downloads are
 * resumable (`*.part` files, HTTP Range), atomic (renamed into place only once verified), and go through
 * `HTTPS_PROXY`/`HTTP_PROXY` unless `NO_PROXY` excludes the host. An unreachable host, a 4xx answer or
 * retries used up are `E_MODEL_UNAVAILABLE` with a message naming the manual download and import.
 */
export async function fetchRemoteWeights<T>(
  id: string,
  use: (files: readonly DownloadedWeights[], weights: RemoteWeights) => Promise<T>,
  options: FetchRemoteWeightsOptions = {},
): Promise<{ readonly files: readonly DownloadedWeights[]; readonly result: T }> {
  const weights = findRemoteWeights(id);
  if (weights === undefined) throw new NotFoundError(`No downloadable weights "${id}"; known: ${REMOTE_WEIGHT_IDS.join(', ')}`, { id });
  if (options.sha256 !== undefined) {
    if (!SHA256.test(options.sha256)) throw new InvalidArgumentError('sha256 must be 64 lowercase hex digits', { sha256: options.sha256 });
    if (weights.files.length !== 1) throw new InvalidArgumentError(`"${id}" is several files, each pinned already; sha256 applies to one-file weights`, { id });
  }
  const env = options.env ?? process.env;
  const base = baseUrl(options.mirror ?? env.PV_WEIGHTS_MIRROR ?? DEFAULT_WEIGHTS_BASE_URL);
  const cacheDir = resolve(options.cacheDir ?? modelsCacheDir());
  const directory = join(cacheDir, 'downloads', weights.id);
  const records = await readTrustRecords(cacheDir);
  const dispatcher = proxyDispatcher(env);
  const files: DownloadedWeights[] = [];
  try {
    for (const file of weights.files) {
      const url = new URL(file.path, base).href;
      const record = records[file.path];
      const pin = file.sha256 ?? options.sha256;
      const expected = pin !== undefined ? { sha256: pin, trust: 'pinned' as const } : record !== undefined ? { sha256: record.sha256, trust: 'recorded' as const } : undefined;
      const target = join(directory, file.name);
      const cached = expected === undefined ? undefined : await hashIfPresent(target);
      if (cached !== undefined && expected !== undefined && cached.sha256 === expected.sha256) {
        files.push(downloaded(file, target, url, cached, expected.trust, record));
        continue;
      }
      await rm(target, { force: true });
      const part = `${target}.part`;
      const hint = manualHint(weights, url);
      await downloadResumably({
        url,
        part,
        ...(file.size !== undefined ? { size: file.size } : {}),
        maxSize: file.maxSize,
        dispatcher,
        attempts: options.attempts ?? 3,
        retryDelayMs: options.retryDelayMs ?? 1000,
        hint,
        ...(options.onProgress ? { onProgress: (receivedBytes: number, totalBytes: number | null) => options.onProgress?.({ id: file.name, receivedBytes, totalBytes }) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const got = await hashIfPresent(part);
      if (got === undefined) throw new NotFoundError(`The download of ${file.name} vanished from ${part}`, { file: part });
      if (expected !== undefined && got.sha256 !== expected.sha256) {
        await rm(part, { force: true });
        const against =
          expected.trust === 'recorded' && record !== undefined
            ? `the SHA-256 recorded when it was first downloaded (${record.recorded}, from ${record.url})`
            : file.sha256 !== undefined
              ? "pv's pinned SHA-256"
              : 'the SHA-256 you pinned';
        throw new ModelIntegrityError(
          `${url} sent ${file.name} with SHA-256 ${got.sha256}, but ${against} is ${expected.sha256}: refused, nothing was kept. ` +
            (expected.trust === 'recorded' ? 'If the publisher really replaced the file, check the new one and pin it with --sha256.' : ''),
          { url, expected: expected.sha256, actual: got.sha256 },
        );
      }
      await rename(part, target);
      files.push(downloaded(file, target, url, got, expected?.trust ?? 'first-use', record));
    }
  } finally {
    await dispatcher.close();
  }

  let result: T;
  try {
    result = await use(files, weights);
  } catch (error) {
    // A file nothing vouches for and that the importer refused is not kept (nor trusted).
    await Promise.all(files.filter((f) => f.trust === 'first-use').map((f) => rm(f.path, { force: true })));
    throw error;
  }
  const recorded = new Date().toISOString();
  const toRecord = files.filter((f) => f.trust === 'first-use' || (f.trust === 'pinned' && options.sha256 !== undefined));
  if (toRecord.length > 0) {
    await recordTrust(cacheDir, Object.fromEntries(toRecord.map((f) => [pathOf(weights, f.name), { sha256: f.sha256, size: f.size, url: f.url, recorded }])));
  }
  return { files, result };
}

function downloaded(
  file: RemoteWeightsFile,
  path: string,
  url: string,
  hashed: { sha256: string; size: number },
  trust: WeightsTrust,
  record: TrustedWeights | undefined,
): DownloadedWeights {
  return { name: file.name, path, url, sha256: hashed.sha256, size: hashed.size, trust, ...(trust === 'recorded' && record ? { record } : {}) };
}

function pathOf(weights: RemoteWeights, name: string): string {
  return (weights.files.find((f) => f.name === name) as RemoteWeightsFile).path;
}

function baseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value.endsWith('/') ? value : `${value}/`);
  } catch {
    throw new InvalidArgumentError(`The mirror base URL "${value}" is not a URL`, { mirror: value });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidArgumentError(`The mirror base URL must be http(s): ${value}`, { mirror: value });
  return url;
}

function manualHint(weights: RemoteWeights, url: string): string {
  return (
    `To install ${weights.id} without this download, get ${url} on a machine that can reach it and run \`${weights.manualImport}\`, ` +
    'or set a mirror that serves the same paths (PV_WEIGHTS_MIRROR or --mirror).'
  );
}

async function hashIfPresent(file: string): Promise<{ sha256: string; size: number } | undefined> {
  try {
    const info = await stat(file);
    return { sha256: await sha256OfFile(file), size: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
