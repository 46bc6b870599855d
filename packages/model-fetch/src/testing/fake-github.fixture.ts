import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/** How the fake server answers one path, request after request. */
export type FakeBehaviour =
  /** The whole file (or the requested range, with 206). */
  | 'serve'
  /** Ignores Range and always sends the whole file with 200. */
  | 'ignore-range'
  /** Announces the full length but closes the connection after half the bytes. */
  | 'cut-half'
  /** Sends only the first half and says so (a shorter file than expected). */
  | 'short'
  | 404
  | 500
  | 503;

/** A request the fake server saw. */
export interface SeenRequest {
  readonly path: string;
  readonly range: string | undefined;
  readonly status: number;
}

/** A stand-in for GitHub (or a mirror) on 127.0.0.1, serving files by path. */
export interface FakeGithub {
  /** `http://127.0.0.1:<port>/` plus `prefix`. */
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  /** Serves `bytes` at `path` (relative to the base URL). */
  set(path: string, bytes: Uint8Array): void;
  /** Queues behaviours for `path`; when the queue is empty, `serve`. */
  behave(path: string, ...behaviours: FakeBehaviour[]): void;
  close(): Promise<void>;
}

/**
 * Starts a fake file host on 127.0.0.1 (nothing leaves the machine). Paths under `prefix` (e.g. `mirror/`)
 * are served; Range requests get 206 with `Content-Range`; unknown paths get 404.
 */
export async function startFakeGithub(prefix = ''): Promise<FakeGithub> {
  const files = new Map<string, Uint8Array>();
  const queues = new Map<string, FakeBehaviour[]>();
  const requests: SeenRequest[] = [];
  const server = createHttpServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
    const key = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
    const bytes = key === undefined ? undefined : files.get(key);
    const behaviour = (key === undefined ? undefined : queues.get(key)?.shift()) ?? 'serve';
    const respond = (status: number): void => {
      requests.push({ path: key ?? path, range: req.headers.range, status });
    };
    if (bytes === undefined || behaviour === 404) {
      respond(404);
      res.writeHead(404).end('Not Found');
      return;
    }
    if (typeof behaviour === 'number') {
      respond(behaviour);
      res.writeHead(behaviour).end('Server trouble');
      return;
    }
    serve(req, res, bytes, behaviour, respond);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/${prefix}`,
    requests,
    set: (path, bytes) => files.set(path, bytes),
    behave: (path, ...behaviours) => queues.set(path, [...(queues.get(path) ?? []), ...behaviours]),
    close: () => closeServer(server),
  };
}

function serve(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, behaviour: FakeBehaviour, respond: (status: number) => void): void {
  const range = /^bytes=(\d+)-$/u.exec(req.headers.range ?? '');
  if (range !== null && behaviour !== 'ignore-range') {
    const start = Number(range[1]);
    if (start >= bytes.length) {
      respond(416);
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    respond(206);
    res.writeHead(206, { 'content-length': bytes.length - start, 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
    res.end(Buffer.from(bytes.subarray(start)));
    return;
  }
  if (behaviour === 'short') {
    const half = bytes.subarray(0, Math.floor(bytes.length / 2));
    respond(200);
    res.writeHead(200, { 'content-length': half.length }).end(Buffer.from(half));
    return;
  }
  respond(200);
  res.writeHead(200, { 'content-length': bytes.length });
  if (behaviour === 'cut-half') {
    // Let the first half reach the client before the connection drops, as a real broken download does.
    res.write(Buffer.from(bytes.subarray(0, Math.floor(bytes.length / 2))), () => setTimeout(() => res.socket?.destroy(), 100));
    return;
  }
  res.end(Buffer.from(bytes));
}

/** A forward proxy on 127.0.0.1 (CONNECT tunnels and absolute-form requests) that counts what went through it. */
export interface TestProxy {
  readonly url: string;
  /** `host:port` of every request or tunnel it carried. */
  readonly carried: string[];
  close(): Promise<void>;
}

/** Starts a {@link TestProxy}. */
export async function startTestProxy(): Promise<TestProxy> {
  const carried: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    // Absolute-form request: http://host:port/path
    const target = new URL(req.url ?? '');
    carried.push(target.host);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    carried.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    carried,
    close: async () => {
      for (const s of sockets) s.destroy();
      await closeServer(server);
    },
  };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
