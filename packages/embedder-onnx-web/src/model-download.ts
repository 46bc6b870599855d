import { InvalidArgumentError, PvError } from '@pv/core';
import type { ModelEntry } from '@pv/models';
import { pageGlobals } from './page-globals.js';

/** The subset of `fetch` the model download needs (the global `fetch` by default). */
export type FetchFunction = (url: string) => Promise<Response>;

/**
 * The file name of a model as the pv models cache stores it (`<cache>/<id>/<file name>`): the last part of
 * the source's package path or file.
 */
export function modelFileName(entry: ModelEntry): string {
  const file = entry.source.kind === 'npm' ? entry.source.path : entry.source.file;
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

/**
 * Where model `entry` is served under `baseUrl`: `<baseUrl>/<id>/<file name>`, the layout of the pv models
 * cache, so a server can serve that folder as it is. A relative `baseUrl` is resolved against the page.
 * Throws `E_INVALID_ARGUMENT` when it cannot be resolved.
 */
export function modelUrl(baseUrl: string | URL, entry: ModelEntry): string {
  let base: URL;
  try {
    base = new URL(baseUrl, pageGlobals.location?.href);
  } catch {
    throw new InvalidArgumentError(`Cannot resolve the model base URL "${String(baseUrl)}"`, { baseUrl: String(baseUrl) });
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return new URL(`${encodeURIComponent(entry.id)}/${encodeURIComponent(modelFileName(entry))}`, base).href;
}

/** SHA-256 of `bytes`, lowercase hex, by WebCrypto. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Downloads model `entry`'s file from `url` and checks its size and SHA-256 against the catalog before
 * anything uses it. Errors: `E_MODEL_UNAVAILABLE` (network error or HTTP error status), `E_MODEL_INTEGRITY`
 * (bytes differ from the catalog).
 */
export async function fetchVerifiedModel(url: string, entry: ModelEntry, fetchFunction: FetchFunction = globalThis.fetch): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetchFunction(url);
  } catch (error) {
    throw new PvError('E_MODEL_UNAVAILABLE', `Cannot download model "${entry.id}" from ${url}`, { id: entry.id, url }, { cause: error });
  }
  if (!response.ok) {
    throw new PvError('E_MODEL_UNAVAILABLE', `Downloading model "${entry.id}" from ${url} failed: HTTP ${response.status}`, {
      id: entry.id,
      url,
      status: response.status,
    });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const { sha256, size } = entry.source;
  const actual = bytes.length === size ? await sha256Hex(bytes) : undefined;
  if (actual !== sha256) {
    throw new PvError('E_MODEL_INTEGRITY', `The file served for model "${entry.id}" at ${url} is not the catalog's file`, {
      id: entry.id,
      url,
      expected: { sha256, size },
      actual: { sha256: actual, size: bytes.length },
    });
  }
  return bytes;
}
