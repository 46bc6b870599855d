import { AbortedError, ModelIntegrityError } from '@pv/core';
import { modelUnavailable } from './errors.js';
import { DEFAULT_REGISTRY, authTokenFor, type RegistryConfig } from './npmrc.js';

/** A package version as pinned by the catalog. */
export interface PackageSpec {
  readonly name: string;
  readonly version: string;
  /** The expected tarball integrity (`sha512-…`). */
  readonly integrity: string;
}

/**
 * Sends a GET to the registry (adding the configured bearer token for that host, if any) and turns network
 * failures into `E_MODEL_UNAVAILABLE` and aborts into `E_ABORTED`.
 */
export async function registryGet(url: string, config: RegistryConfig, accept: string, signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { accept, 'user-agent': 'pv-model-fetch' };
  const token = authTokenFor(url, config);
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted) throw new AbortedError();
    throw modelUnavailable(`Cannot reach the npm registry at ${new URL(url).origin} (${describe(error)})`, { url }, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    const why = response.status === 401 || response.status === 403 ? ' (check the _authToken in your .npmrc)' : '';
    throw modelUnavailable(`The npm registry answered HTTP ${response.status} for ${url}${why}`, { url, status: response.status });
  }
  return response;
}

/**
 * The tarball URL of the exact pinned version, read from the registry's package document. Refuses with
 * `E_MODEL_INTEGRITY` when the registry publishes another integrity for that version, before any download.
 * A tarball URL on the public registry is moved onto the configured registry, as npm does by default.
 */
export async function resolveTarballUrl(spec: PackageSpec, config: RegistryConfig, signal?: AbortSignal): Promise<string> {
  const packumentUrl = new URL(spec.name.replace('/', '%2f'), config.registry).href;
  const response = await registryGet(packumentUrl, config, 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8', signal);
  let dist: { tarball?: unknown; integrity?: unknown } | undefined;
  try {
    const packument = (await response.json()) as { versions?: Record<string, { dist?: typeof dist }> };
    dist = packument.versions?.[spec.version]?.dist;
  } catch (error) {
    if (signal?.aborted) throw new AbortedError();
    throw modelUnavailable(`The npm registry sent an unreadable package document for ${spec.name}`, { url: packumentUrl }, { cause: error });
  }
  if (typeof dist?.tarball !== 'string') {
    throw modelUnavailable(`The npm registry has no ${spec.name}@${spec.version}`, { url: packumentUrl });
  }
  if (typeof dist.integrity === 'string' && !dist.integrity.split(/\s+/u).includes(spec.integrity)) {
    throw new ModelIntegrityError(
      `The registry publishes ${spec.name}@${spec.version} with integrity ${dist.integrity}, but the catalog pins ${spec.integrity}`,
      { package: spec.name, version: spec.version, expected: spec.integrity, actual: dist.integrity },
    );
  }
  const tarball = new URL(dist.tarball, packumentUrl).href;
  return tarball.startsWith(DEFAULT_REGISTRY) ? config.registry + tarball.slice(DEFAULT_REGISTRY.length) : tarball;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
