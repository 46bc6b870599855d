// Shared helpers of the server's tests: test data paths, starting a test server, building requests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type StartServerOptions } from './server.js';

/** The repository root (two levels above this package's `src`). */
export const repoRoot = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

/** The shared, read-only test data folder (`../shared/data` beside the checkout). */
export const sharedData = path.resolve(repoRoot, '../shared/data');

/** Where tests write artefacts (screenshots); gitignored. */
export const testOutputDir = path.resolve(fileURLToPath(new URL('../test-output/', import.meta.url)));

/** An LFW fold-1 photo by person and number. */
export function lfwImage(name: string, index: number): string {
  return path.join(sharedData, 'lfw-fold1', 'images', name, `${name}_${String(index).padStart(4, '0')}.jpg`);
}

/** A CelebA sample photo by identity folder and file stem. */
export function celebaImage(identity: string, stem: string): string {
  return path.join(sharedData, 'celeba-sample', identity, `${stem}.jpg`);
}

/** The API key every test server accepts. */
export const TEST_KEY = 'test-key-0123456789abcdef';

/** {@link TEST_KEY} as the test servers configure it: every scope (the page's private mode enrolls embeddings). */
export const TEST_KEY_SPEC = `${TEST_KEY}:read+enroll-image+enroll-embedding+admin`;

/** Headers that authenticate with {@link TEST_KEY}. */
export const AUTH = { authorization: `Bearer ${TEST_KEY}` } as const;

/** Collects a server's JSON log lines in memory. */
export class LogCollector extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0));
    callback();
  }

  /** Everything logged so far, as one string. */
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A test server on 127.0.0.1 with a free port, one worker, {@link TEST_KEY}, and its log lines. */
export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly logs: LogCollector;
}

/** Starts a server for a test (in-memory store unless `store` is given; logs collected). */
export async function startTestServer(options: StartServerOptions = {}): Promise<TestServer> {
  const logs = new LogCollector();
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    store: 'memory:',
    workers: 1,
    apiKeys: [TEST_KEY_SPEC],
    logLevel: 'info',
    logStream: logs,
    ...options,
  });
  return { server, url: server.url, logs };
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pv-server-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A multipart form with files (name → bytes or a path to read). */
export async function imageForm(files: Readonly<Record<string, Uint8Array | string>>): Promise<FormData> {
  const form = new FormData();
  for (const [name, source] of Object.entries(files)) {
    const bytes = typeof source === 'string' ? await readFile(source) : source;
    form.append(name, new Blob([bytes], { type: 'image/jpeg' }), `${name}.jpg`);
  }
  return form;
}

/** A parsed JSON response. */
export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** `fetch` that parses the JSON body (or gives `{}` for an empty one). */
export async function fetchJson<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text.length > 0 ? JSON.parse(text) : {}) as T };
}

/** A JSON POST. */
export function postJson<T = Record<string, unknown>>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  return fetchJson<T>(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}
