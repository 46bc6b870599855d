import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findRemoteWeights } from '@pv/models';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchRemoteWeights, type DownloadedWeights } from './fetch-remote-weights.js';
import { startFakeGithub, startTestProxy, type FakeGithub } from './testing/fake-github.fixture.js';
import { readTrustRecords, TRUSTED_WEIGHTS_FILE } from './trusted-weights.js';

const MTCNN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/facenet-pytorch');
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const mtcnn = findRemoteWeights('mtcnn');
const vggface2 = findRemoteWeights('facenet-vggface2');
if (mtcnn === undefined || vggface2 === undefined) throw new Error('catalog lacks the remote weights');
const VGG_PATH = (vggface2.files[0] as { path: string }).path;
const PNET_PATH = (mtcnn.files[0] as { path: string }).path;

/** `use` that only reads the files back (the importers' checks are tested in @pv/facenet and @pv/mtcnn). */
const readBack = async (files: readonly DownloadedWeights[]): Promise<string[]> => Promise.all(files.map(async (f) => sha256(await readFile(f.path))));

async function listTree(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true })).map(String).sort();
  } catch {
    return [];
  }
}

describe('fetchRemoteWeights', () => {
  let server: FakeGithub;
  let cacheDir: string;
  const mtcnnBytes = new Map<string, Buffer>();
  const facenetBytes = randomBytes(50_000);
  const env = {};

  beforeAll(async () => {
    for (const file of mtcnn.files) mtcnnBytes.set(file.path, await readFile(path.join(MTCNN_DIR, file.name)));
  });

  beforeEach(async () => {
    server = await startFakeGithub('gh/');
    for (const [p, bytes] of mtcnnBytes) server.set(p, bytes);
    server.set(VGG_PATH, facenetBytes);
    cacheDir = await mkdtemp(path.join(tmpdir(), 'pv-remote-weights-'));
  });

  afterEach(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const options = (extra: object = {}): object => ({ cacheDir, mirror: server.baseUrl, env, retryDelayMs: 1, ...extra });

  it('downloads the real MTCNN files from the mirror, checks their pinned hashes, and reuses them without a request', async () => {
    const { files, result } = await fetchRemoteWeights('mtcnn', readBack, options());
    expect(files.map((f) => [f.name, f.trust, f.url])).toEqual(mtcnn.files.map((f) => [f.name, 'pinned', `${server.baseUrl}${f.path}`]));
    expect(result).toEqual(mtcnn.files.map((f) => f.sha256));
    expect(server.requests).toHaveLength(3);
    const again = await fetchRemoteWeights('mtcnn', readBack, options());
    expect(again.files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    expect(server.requests).toHaveLength(3);
    // Pinned files need no trust record.
    expect(await readTrustRecords(cacheDir)).toEqual({});
  });

  it('refuses a file whose bytes differ from the pinned SHA-256, keeps nothing and never calls use', async () => {
    const tampered = Buffer.from(mtcnnBytes.get(PNET_PATH) as Buffer);
    tampered.writeUInt8((tampered.at(-1) ?? 0) ^ 0xff, tampered.length - 1);
    server.set(PNET_PATH, tampered);
    let used = false;
    const attempt = fetchRemoteWeights('mtcnn', async () => (used = true), options());
    await expect(attempt).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY', message: expect.stringContaining("pv's pinned SHA-256") });
    expect(used).toBe(false);
    expect(await listTree(path.join(cacheDir, 'downloads'))).toEqual(['mtcnn']);
    expect(await listTree(cacheDir)).not.toContain(TRUSTED_WEIGHTS_FILE);
  });

  it('refuses a file of another size than pinned before downloading it', async () => {
    server.set(PNET_PATH, randomBytes(1000));
    await expect(fetchRemoteWeights('mtcnn', readBack, options())).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY', message: expect.stringContaining('28570 bytes are pinned') });
    expect(await listTree(path.join(cacheDir, 'downloads', 'mtcnn'))).toEqual([]);
  });

  it('refuses a server that sends a shorter file than pinned, keeping nothing', async () => {
    server.behave(PNET_PATH, 'short');
    await expect(fetchRemoteWeights('mtcnn', readBack, options())).rejects.toMatchObject({ code: 'E_MODEL_INTEGRITY' });
    expect(await listTree(path.join(cacheDir, 'downloads', 'mtcnn'))).toEqual([]);
  });

  describe('trust on first use', () => {
    it('records the SHA-256 of the first download once use accepts it, then trusts only that', async () => {
      const first = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(first.files[0]).toMatchObject({ trust: 'first-use', sha256: sha256(facenetBytes), size: facenetBytes.length });
      const records = await readTrustRecords(cacheDir);
      expect(records[VGG_PATH]).toMatchObject({ sha256: sha256(facenetBytes), size: facenetBytes.length, url: `${server.baseUrl}${VGG_PATH}` });

      const second = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(second.files[0]).toMatchObject({ trust: 'recorded', record: records[VGG_PATH] });
      expect(server.requests).toHaveLength(1);

      // The publisher (or someone in between) now serves another file: refused, and the old one is not replaced by it.
      const other = randomBytes(50_000);
      server.set(VGG_PATH, other);
      await rm((first.files[0] as DownloadedWeights).path);
      await expect(fetchRemoteWeights('facenet-vggface2', readBack, options())).rejects.toMatchObject({
        code: 'E_MODEL_INTEGRITY',
        message: expect.stringMatching(/recorded when it was first downloaded.*--sha256/u),
      });
      expect(await listTree(path.join(cacheDir, 'downloads', 'facenet-vggface2'))).toEqual([]);

      // --sha256 pins the new file on purpose; the record follows the pin.
      const pinned = await fetchRemoteWeights('facenet-vggface2', readBack, options({ sha256: sha256(other) }));
      expect(pinned.files[0]).toMatchObject({ trust: 'pinned', sha256: sha256(other) });
      expect((await readTrustRecords(cacheDir))[VGG_PATH]?.sha256).toBe(sha256(other));
    });

    it('records nothing and keeps nothing when use refuses the first download', async () => {
      await expect(
        fetchRemoteWeights(
          'facenet-vggface2',
          async () => {
            throw new Error('not a checkpoint');
          },
          options(),
        ),
      ).rejects.toThrow('not a checkpoint');
      expect(await readTrustRecords(cacheDir)).toEqual({});
      expect(await listTree(path.join(cacheDir, 'downloads', 'facenet-vggface2'))).toEqual([]);
    });

    it('refuses a --sha256 the download does not match, and a malformed one', async () => {
      await expect(fetchRemoteWeights('facenet-vggface2', readBack, options({ sha256: 'a'.repeat(64) }))).rejects.toMatchObject({
        code: 'E_MODEL_INTEGRITY',
        message: expect.stringContaining('the SHA-256 you pinned'),
      });
      await expect(fetchRemoteWeights('facenet-vggface2', readBack, options({ sha256: 'ABC' }))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await expect(fetchRemoteWeights('mtcnn', readBack, options({ sha256: 'a'.repeat(64) }))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    });
  });

  describe('interrupted downloads', () => {
    it('continues a broken connection with a Range request in the same call', async () => {
      server.behave(VGG_PATH, 'cut-half');
      const { result } = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(result).toEqual([sha256(facenetBytes)]);
      expect(server.requests.map((r) => [r.status, r.range])).toEqual([
        [200, undefined],
        [206, `bytes=${facenetBytes.length / 2}-`],
      ]);
    });

    it('keeps what arrived when the tries are used up, and the next call continues it', async () => {
      server.behave(VGG_PATH, 'cut-half');
      await expect(fetchRemoteWeights('facenet-vggface2', readBack, options({ attempts: 1 }))).rejects.toMatchObject({
        code: 'E_MODEL_UNAVAILABLE',
        message: expect.stringMatching(/connection broke.*fetch again to continue/u),
      });
      const part = path.join(cacheDir, 'downloads', 'facenet-vggface2', '20180402-114759-vggface2.pt.part');
      expect((await stat(part)).size).toBe(facenetBytes.length / 2);
      const { result } = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(result).toEqual([sha256(facenetBytes)]);
      expect(server.requests.at(-1)).toEqual({ path: VGG_PATH, range: `bytes=${facenetBytes.length / 2}-`, status: 206 });
    });

    it('starts again from zero when the server ignores Range, and when the part is longer than the file', async () => {
      const part = path.join(cacheDir, 'downloads', 'facenet-vggface2', '20180402-114759-vggface2.pt.part');
      await mkdir(path.dirname(part), { recursive: true });
      await writeFile(part, randomBytes(1000));
      server.behave(VGG_PATH, 'ignore-range');
      const restarted = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(restarted.result).toEqual([sha256(facenetBytes)]);
      expect(server.requests.at(-1)).toMatchObject({ range: 'bytes=1000-', status: 200 });

      await rm(path.join(cacheDir, TRUSTED_WEIGHTS_FILE));
      await rm(path.join(cacheDir, 'downloads'), { recursive: true });
      await mkdir(path.dirname(part), { recursive: true });
      await writeFile(part, randomBytes(facenetBytes.length + 10));
      const fresh = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(fresh.result).toEqual([sha256(facenetBytes)]);
      expect(server.requests.slice(-2).map((r) => r.status)).toEqual([416, 200]);
    });
  });

  describe('server errors', () => {
    it('gives up at once on 404, naming the URL and the manual import', async () => {
      server.behave(VGG_PATH, 404);
      await expect(fetchRemoteWeights('facenet-vggface2', readBack, options())).rejects.toMatchObject({
        code: 'E_MODEL_UNAVAILABLE',
        message: expect.stringMatching(/HTTP 404 .*20180402-114759-vggface2\.pt.*pv models import facenet --vggface2 <file>/u),
      });
      expect(server.requests).toHaveLength(1);
    });

    it('retries 5xx answers and gives up after the last try', async () => {
      server.behave(VGG_PATH, 503, 500);
      const { result } = await fetchRemoteWeights('facenet-vggface2', readBack, options());
      expect(result).toEqual([sha256(facenetBytes)]);
      expect(server.requests.map((r) => r.status)).toEqual([503, 500, 200]);

      server.behave(PNET_PATH, 500, 500, 500);
      await expect(fetchRemoteWeights('mtcnn', readBack, options())).rejects.toMatchObject({
        code: 'E_MODEL_UNAVAILABLE',
        message: expect.stringMatching(/failed 3 times; last: HTTP 500/u),
      });
    });
  });

  describe('network settings', () => {
    it('goes through HTTP(S)_PROXY, unless NO_PROXY names the host', async () => {
      const proxy = await startTestProxy();
      try {
        await fetchRemoteWeights('mtcnn', readBack, options({ env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url } }));
        const host = new URL(server.baseUrl).host;
        // One tunnel may carry several requests: every one of them went to the fake host through the proxy.
        expect(proxy.carried.length).toBeGreaterThan(0);
        expect(new Set(proxy.carried)).toEqual(new Set([host]));
        const carried = proxy.carried.length;

        await rm(path.join(cacheDir, 'downloads'), { recursive: true });
        await fetchRemoteWeights('mtcnn', readBack, options({ env: { http_proxy: proxy.url, NO_PROXY: '127.0.0.1' } }));
        expect(proxy.carried).toHaveLength(carried);
        expect(server.requests).toHaveLength(6);
      } finally {
        await proxy.close();
      }
    });

    it('takes the mirror from PV_WEIGHTS_MIRROR when no mirror is given', async () => {
      const { files } = await fetchRemoteWeights('mtcnn', readBack, { cacheDir, env: { PV_WEIGHTS_MIRROR: server.baseUrl.replace(/\/$/u, '') } });
      expect(files[0]?.url).toBe(`${server.baseUrl}${PNET_PATH}`);
      expect(server.requests).toHaveLength(3);
    });

    it('says offline what to do instead', async () => {
      const closedPort = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      });
      const attempt = fetchRemoteWeights('facenet-vggface2', readBack, options({ mirror: `http://127.0.0.1:${closedPort}/` }));
      await expect(attempt).rejects.toMatchObject({ code: 'E_MODEL_UNAVAILABLE' });
      const message = ((await attempt.catch((error: unknown) => error)) as Error).message;
      expect(message).toContain(`Cannot reach 127.0.0.1:${closedPort}`);
      expect(message).toContain('ECONNREFUSED');
      expect(message).toContain('run `pv models import facenet --vggface2 <file>`');
      expect(message).toContain('PV_WEIGHTS_MIRROR');
    });

    it('refuses unknown ids and a mirror that is not http(s)', async () => {
      await expect(fetchRemoteWeights('facenet-nope', readBack, options())).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringContaining('mtcnn') });
      await expect(fetchRemoteWeights('mtcnn', readBack, options({ mirror: 'ftp://x/' }))).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    });
  });

});
