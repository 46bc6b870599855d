import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** What a route answers: a file's content or bytes in memory. */
export type RouteBody = { readonly file: string } | { readonly bytes: Uint8Array; readonly type: string };

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
};

/** A running test server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly origin: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves `routes` (URL path → body) on 127.0.0.1 at a random port, with correct MIME types and the COOP
 * `same-origin` + COEP `require-corp` headers that make a page cross-origin isolated (wasm threads).
 * Anything else is 404.
 */
export async function startStaticServer(routes: ReadonlyMap<string, RouteBody>): Promise<StaticServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(pathname);
    const route = routes.get(pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (!route) {
      response.writeHead(404, headers).end('not found');
      return;
    }
    const body = 'file' in route ? readFile(route.file) : Promise.resolve(route.bytes);
    const type = 'file' in route ? (MIME_TYPES[path.extname(route.file)] ?? 'application/octet-stream') : route.type;
    body.then(
      (bytes) => response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': bytes.length }).end(bytes),
      () => response.writeHead(500, headers).end('unreadable'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Routes for every file of `files` (route → file) under `prefix` (e.g. `/models`). */
export function fileRoutes(prefix: string, files: ReadonlyMap<string, string>): Map<string, RouteBody> {
  return new Map([...files].map(([route, file]) => [`${prefix}${route}`, { file }]));
}
