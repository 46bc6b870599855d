// Load benchmark of the demo server: identify requests at a fixed concurrency against a server running in
// its own process (so its memory is measured alone), server mode (photo uploaded, detection and embedding
// on the worker threads) side by side with private mode (embeddings computed beforehand, as the browser
// does, so the server only searches the store), and the CompreFace-compatible recognize route (photo uploaded,
// same work as server mode plus CompreFace's answer shape).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { CompreFaceKeyStore, defaultKeyFile } from '../src/compreface/keys.js';
import { jsonBody, multipartFile, runLoad, type LoadResult, type RequestBody } from '../src/load.fixture.js';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const API_KEY = 'bench-key-0123456789abcdef';
const CONNECTIONS = 4;
const WORKERS = 2;

/** A server process and what it reports. */
interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
}

/** Starts `src/bin.ts` (from the sources, through tsx) on a free port with an in-memory store. */
async function startServerProcess(home: string, env: Readonly<Record<string, string>> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--conditions=pv-source', '--import', 'tsx', 'src/bin.ts'], {
    cwd: packageDir,
    env: { ...process.env, PV_HOME: home, PV_PORT: '0', PV_STORE: 'memory:', PV_WORKERS: String(WORKERS), PV_API_KEYS: API_KEY, PV_LOG_LEVEL: 'warn', PV_RATE_LIMIT: '1000000', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const found = /listening on (http:\/\/\S+) /.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with code ${code}: ${stderr}`)));
  });
  return { child, url };
}

async function stopServerProcess(server: ServerProcess): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

/** A /proc/<pid>/status field in MiB (Linux), or NaN elsewhere. */
async function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return kib ? Number(kib) / 1024 : Number.NaN;
}

/** Which API a mode loads: pv's `/v1/identify`, or the CompreFace route with a recognition key. */
type Api = 'v1' | 'compreface';

/**
 * Enrolls one photo of each of `people` (CelebA identity folders) through the API the mode loads; returns how
 * many were enrolled (CompreFace's add refuses a photo showing two faces, code 31, which `/v1` enrolls by its
 * largest face).
 */
async function enrollGallery(url: string, api: Api, key: string, photos: readonly { label: string; file: string }[]): Promise<number> {
  let enrolled = 0;
  for (const { label, file } of photos) {
    const form = new FormData();
    form.append(api === 'v1' ? 'image' : 'file', new Blob([await readFile(file)]), 'photo.jpg');
    const response =
      api === 'v1'
        ? await fetch(`${url}/v1/subjects/${label}/faces`, { method: 'POST', body: form, headers: { authorization: `Bearer ${key}` } })
        : await fetch(`${url}/api/v1/recognition/faces?subject=${label}`, { method: 'POST', body: form, headers: { 'x-api-key': key } });
    if (api === 'compreface' && response.status === 400 && ((await response.json()) as { code?: number }).code === 31) continue;
    if (response.status !== (api === 'v1' ? 201 : 200)) throw new Error(`enrolling ${file} failed: HTTP ${response.status}`);
    enrolled++;
  }
  return enrolled;
}

/** One measured mode. */
export interface ModeResult {
  readonly load: LoadResult;
  readonly idleMiB: number;
  readonly peakMiB: number;
  /** Faces in the gallery. */
  readonly enrolled: number;
}

/**
 * Starts the server (`env` added to its environment, e.g. `PV_MODEL`), enrolls `gallery`, and loads it with
 * `body` from {@link CONNECTIONS} connections for `seconds` (after a 1 s warm-up).
 */
export async function measureMode(
  gallery: readonly { label: string; file: string }[],
  api: Api,
  body: RequestBody,
  seconds: number,
  log: (message: string) => void,
  env: Readonly<Record<string, string>> = {},
): Promise<ModeResult> {
  // A pv data folder of its own, holding the CompreFace key file.
  const home = await mkdtemp(path.join(tmpdir(), 'pv-bench-server-'));
  const key = api === 'v1' ? API_KEY : new CompreFaceKeyStore(defaultKeyFile({ PV_HOME: home })).create('recognition').key;
  const server = await startServerProcess(home, env);
  try {
    const enrolled = await enrollGallery(server.url, api, key, gallery);
    const pid = server.child.pid as number;
    const idleMiB = await memoryMiB(pid, 'VmRSS');
    const url = api === 'v1' ? `${server.url}/v1/identify` : `${server.url}/api/v1/recognition/recognize?det_prob_threshold=0.8&prediction_count=1`;
    const keyHeader = api === 'v1' ? 'authorization' : 'x-api-key';
    await runLoad(url, key, body, CONNECTIONS, 1, keyHeader); // warm-up
    const load = await runLoad(url, key, body, CONNECTIONS, seconds, keyHeader);
    const peakMiB = await memoryMiB(pid, 'VmHWM');
    log(`${load.requests} requests, ${load.perSecond.toFixed(1)}/s, p50 ${load.p50} ms, p99 ${load.p99} ms, errors ${load.errors}, non-2xx ${load.non2xx}, peak RSS ${peakMiB.toFixed(0)} MiB`);
    if (load.errors > 0 || load.non2xx > 0) throw new Error(`the load run had ${load.errors} errors and ${load.non2xx} non-2xx answers`);
    return { load, idleMiB, peakMiB, enrolled };
  } finally {
    await stopServerProcess(server);
    await rm(home, { recursive: true, force: true });
  }
}

const bench: BenchModule = {
  title: 'Demo server: identify under load (apps/server)',
  order: 90,
  async run({ quick, sharedDir, log }) {
    const seconds = quick ? 5 : 30;
    const celeba = path.join(sharedDir, 'data', 'celeba-sample');
    const people = (await readdir(celeba)).sort();
    const gallery = await Promise.all(
      people.map(async (person) => ({ label: `celeba-${person}`, file: path.join(celeba, person, ((await readdir(path.join(celeba, person))).sort()[0]) as string) })),
    );
    const probe = path.join(celeba, '7206', '183064.jpg');
    const probeBytes = await readFile(probe);

    // What the browser sends in private mode: the probe's embeddings (and boxes), computed beforehand.
    const recognizer = await createFaceRecognizer();
    const faces = await recognizer.embedFaces(probe, 'all');
    await recognizer.close();
    const privateBody = jsonBody({ modelId: 'mobilefacenet', faces: faces.map((f) => ({ embedding: Array.from(f.embedding), box: f.detection.box })) });
    const serverBody = multipartFile('image', 'photo.jpg', probeBytes);

    log(`server mode: ${seconds} s at ${CONNECTIONS} connections, ${WORKERS} workers`);
    const server = await measureMode(gallery, 'v1', serverBody, seconds, log);
    log(`private mode: ${seconds} s at ${CONNECTIONS} connections`);
    const browser = await measureMode(gallery, 'v1', privateBody, seconds, log);
    log(`CompreFace recognize: ${seconds} s at ${CONNECTIONS} connections, ${WORKERS} workers`);
    const compreface = await measureMode(gallery, 'compreface', multipartFile('file', 'photo.jpg', probeBytes), seconds, log);

    // autocannon measures whole milliseconds.
    const ms = (value: number): string => (value < 1 ? '< 1' : String(value));
    const row = (name: string, m: ModeResult): string =>
      `| ${name} | ${m.load.requests} | ${m.load.perSecond.toFixed(1)} | ${ms(m.load.p50)} | ${ms(m.load.p99)} | ${ms(m.load.max)} | ${m.load.errors + m.load.non2xx} | ${m.idleMiB.toFixed(0)} | ${m.peakMiB.toFixed(0)} |`;
    return [
      `\`POST /v1/identify\` (and CompreFace's \`POST /api/v1/recognition/recognize?det_prob_threshold=0.8&prediction_count=1\` with a recognition key) from ${CONNECTIONS} connections for ${seconds} s (autocannon), against \`src/bin.ts\` in its own process with ${WORKERS} inference workers, ` +
        `an in-memory store of ${gallery.length} enrolled faces (one CelebA photo per person), and one CelebA probe photo (${(probeBytes.length / 1024).toFixed(0)} KB JPEG). ` +
        'Latencies in milliseconds; memory is the server process\'s resident set (Linux `VmRSS` after enrolment, `VmHWM` peak over the run).',
      '',
      '| mode | requests | per second | p50 | p99 | max | errors + non-2xx | RSS idle (MiB) | peak RSS (MiB) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('server (photo uploaded)', server),
      row('private (embeddings sent)', browser),
      row('CompreFace recognize (photo uploaded)', compreface),
      '',
      `Private mode answers ${(browser.load.perSecond / server.load.perSecond).toFixed(0)}x as many requests per second as server mode: ` +
        'decoding, detection and embedding (which private mode leaves to the browser) are nearly all of the server\'s work; ' +
        'searching this small store is not. Peak RSS includes both workers\' ONNX sessions. ' +
        `The CompreFace route does the work of server mode through the same pool and Gallery: ${(compreface.load.perSecond / server.load.perSecond).toFixed(2)}x its requests per second ` +
        `(its collection holds ${compreface.enrolled} of the ${gallery.length} photos: CompreFace's add refuses photos that show two faces).`,
    ].join('\n');
  },
};

export default bench;
