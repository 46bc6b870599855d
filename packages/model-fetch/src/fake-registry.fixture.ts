import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mobilefacenet, type EmbedderModelEntry } from '@pv/models';
import { create } from 'tar';

/** A package built for tests: its gzipped tarball and the integrity npm would publish for it. */
export interface FakePackage {
  readonly name: string;
  readonly version: string;
  readonly tarball: Buffer;
  readonly integrity: string;
  /** Content of each file, by path relative to the package root. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** Packs `files` (path inside the package → content) as an npm tarball with the usual `package/` folder. */
export async function buildFakePackage(name: string, version: string, files: Record<string, Buffer>): Promise<FakePackage> {
  const dir = await mkdtemp(join(tmpdir(), 'pv-fake-pkg-'));
  try {
    const paths = ['package.json', ...Object.keys(files)];
    await mkdir(join(dir, 'package'), { recursive: true });
    await writeFile(join(dir, 'package', 'package.json'), JSON.stringify({ name, version }));
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, 'package', path)), { recursive: true });
      await writeFile(join(dir, 'package', path), content);
    }
    const chunks: Buffer[] = [];
    const stream = create({ gzip: true, cwd: dir, portable: true }, paths.map((p) => `package/${p}`));
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const tarball = Buffer.concat(chunks);
    const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
    return { name, version, tarball, integrity, files: new Map(Object.entries(files)) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A catalog entry for `path` of a fake package, hashes computed from its content. */
export function fakeEntry(id: string, pkg: FakePackage, path: string): EmbedderModelEntry {
  const content = pkg.files.get(path);
  if (!content) throw new Error(`no ${path} in the fake package`);
  return {
    ...mobilefacenet,
    id,
    source: {
      kind: 'npm',
      package: pkg.name,
      version: pkg.version,
      integrity: pkg.integrity,
      path,
      sha256: createHash('sha256').update(content).digest('hex'),
      size: content.length,
    },
  };
}

/** How the fake registry misbehaves. */
export interface FakeRegistryBehaviour {
  /** Integrity written in the package document (default: the true one). */
  packumentIntegrity?: string;
  /** Bytes served as the tarball (default: the true ones). */
  tarballBytes?: Buffer;
  /** Hold every tarball response until this many tarball requests are open at once (for concurrency tests). */
  tarballBarrier?: number;
  /** HTTP status for every request, instead of answering. */
  status?: number;
}

/** A tiny npm registry on 127.0.0.1 serving one package, counting requests. */
export interface FakeRegistry {
  /** Base URL, ending with `/`. */
  readonly url: string;
  readonly behaviour: FakeRegistryBehaviour;
  /** Every request received, in order: its path and authorization header. */
  readonly requests: { readonly path: string; readonly authorization: string | undefined }[];
  /** Tarball requests only. */
  tarballRequests(): number;
  /** The most tarball responses that were in progress at the same time. */
  maxConcurrentTarballs(): number;
  close(): Promise<void>;
}

/** Starts a fake registry serving `pkg`. */
export async function startFakeRegistry(pkg: FakePackage, behaviour: FakeRegistryBehaviour = {}): Promise<FakeRegistry> {
  const requests: { path: string; authorization: string | undefined }[] = [];
  let open = 0;
  let maxOpen = 0;
  let waiting: (() => void)[] = [];
  const tarballPath = `/${pkg.name}/-/${pkg.name}-${pkg.version}.tgz`;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const path = req.url ?? '/';
    requests.push({ path, authorization: req.headers.authorization });
    if (behaviour.status !== undefined) {
      res.writeHead(behaviour.status).end();
      return;
    }
    if (path === `/${pkg.name}`) {
      const { port } = server.address() as AddressInfo;
      const dist = { tarball: `http://127.0.0.1:${port}${tarballPath}`, integrity: behaviour.packumentIntegrity ?? pkg.integrity };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: pkg.name, versions: { [pkg.version]: { dist } } }));
      return;
    }
    if (path === tarballPath) {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      const send = (): void => {
        const bytes = behaviour.tarballBytes ?? pkg.tarball;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
        res.end(bytes, () => {
          open -= 1;
        });
      };
      const barrier = behaviour.tarballBarrier ?? 1;
      waiting.push(send);
      if (waiting.length >= barrier) {
        const ready = waiting;
        waiting = [];
        for (const go of ready) go();
      } else {
        // Never hang a test: release after a while even if the other request never comes.
        setTimeout(() => {
          const i = waiting.indexOf(send);
          if (i >= 0) waiting.splice(i, 1)[0]?.();
        }, 30_000).unref();
      }
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    behaviour,
    requests,
    tarballRequests: () => requests.filter((r) => r.path === tarballPath).length,
    maxConcurrentTarballs: () => maxOpen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 URL nothing listens on (a port that was just free), to prove no request is made. */
export async function unreachableRegistryUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
