// End to end: the MTCNN detector after `pv models import mtcnn` (facenet-pytorch's real weights from the shared
// data), and `pv serve` answering over HTTP on the store the CLI enrolled into.
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { modelsCacheDir } from '@pv/model-fetch';
import { FileStore } from '@pv/store-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, finished, linkPhotos, runPv, sharedData, startPv, tempDir } from './pv-process.fixture.js';

const facenetData = path.join(sharedData, 'facenet-pytorch');
let work = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('mtcnn-serve');
  // A models directory of its own (the import writes into it), sharing the verified built-in models.
  const models = path.join(work, 'models');
  await mkdir(models);
  for (const id of ['rfb320', 'landmarks68', 'mobilefacenet']) await symlink(path.join(modelsCacheDir(), id), path.join(models, id));
  env = { PV_MODELS_DIR: models };
  await linkPhotos(path.join(work, 'people'), { '7266': (await celebaPhotos('7266')).slice(0, 2) });
  const enrolled = await runPv(['enroll', 'people', '--store', 'file:people.pv'], work, env);
  if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('--detector mtcnn', { timeout: E2E_TIMEOUT_MS }, () => {
  it('is refused with a pointer to the import until the networks are imported', async () => {
    const [a, b] = await celebaPhotos('7266');
    const run = await runPv(['compare', a as string, b as string, '--detector', 'mtcnn'], work, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/E_NOT_FOUND .*MTCNN is not imported/u);
  });

  it('pv models import mtcnn converts pnet/rnet/onet, and the detector then finds the faces of the group photo', async () => {
    const imported = await runPv(['models', 'import', 'mtcnn', '--dir', facenetData, '--json'], work, env);
    expect(imported.code, imported.stderr).toBe(0);
    expect((JSON.parse(imported.stdout) as { id: string }[]).map((m) => m.id)).toEqual(['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet']);

    const photo = path.join(facenetData, 'multiface.jpg');
    const detect = async (detector: string): Promise<number> => {
      const run = await runPv(['identify', photo, '--detector', detector, '--store', 'file:people.pv', '--json'], work, env);
      expect([0, 1], run.stderr).toContain(run.code);
      return (JSON.parse(run.stdout) as { faces: unknown[] }).faces.length;
    };
    const withMtcnn = await detect('mtcnn');
    const withRfb = await detect('rfb320');
    console.info(`multiface.jpg: ${withMtcnn} faces with mtcnn, ${withRfb} with rfb320`);
    expect(withMtcnn).toBeGreaterThanOrEqual(4);

    const [a, b] = await celebaPhotos('7266');
    const compared = await runPv(['compare', a as string, b as string, '--detector', 'mtcnn', '--json'], work, env);
    expect(compared.code, compared.stderr).toBe(0);
    expect(JSON.parse(compared.stdout)).toMatchObject({ same: true });
  });

  it('--jobs 2 enrolls with mtcnn to the same embeddings as --jobs 1', async () => {
    const one = await runPv(['enroll', 'people', '--detector', 'mtcnn', '--store', 'file:mtcnn-one.pv', '--json'], work, env);
    expect(one.code, one.stderr).toBe(0);
    const two = await runPv(['enroll', 'people', '--detector', 'mtcnn', '--jobs', '2', '--store', 'file:mtcnn-two.pv', '--json'], work, env);
    expect(two.code, two.stderr).toBe(0);
    const embeddings = async (file: string): Promise<Map<string, Float32Array>> => {
      const store = await FileStore.open(path.join(work, file));
      const byFile = new Map<string, Float32Array>();
      try {
        for await (const record of store.records()) byFile.set(record.source?.file ?? record.id, record.vector);
      } finally {
        await store.close();
      }
      return byFile;
    };
    const [single, pooled] = [await embeddings('mtcnn-one.pv'), await embeddings('mtcnn-two.pv')];
    expect(single.size).toBe(2);
    expect([...pooled.keys()].sort()).toEqual([...single.keys()].sort());
    for (const [file, embedding] of single) {
      const other = pooled.get(file) as Float32Array;
      expect(Math.max(...embedding.map((x, i) => Math.abs(x - (other[i] as number)))), file).toBeLessThan(1e-5);
    }
  });
});

describe('pv serve', { timeout: E2E_TIMEOUT_MS }, () => {
  it('serves the store the CLI enrolled into, and stops cleanly on Ctrl-C (exit 0)', async () => {
    const people: Record<string, string[]> = {};
    for (const person of ['7266', '7268']) people[person] = (await celebaPhotos(person)).slice(0, 3);
    await linkPhotos(path.join(work, 'served-people'), people);
    const enrolled = await runPv(['enroll', 'served-people', '--store', 'file:served.pv'], work, env);
    expect(enrolled.code, enrolled.stderr).toBe(0);

    const server = startPv(['serve', '--store', 'file:served.pv', '--port', '0', '--host', '127.0.0.1', '--jobs', '1', '--json'], work, env);
    const done = finished(server);
    const started = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        try {
          resolve(JSON.parse(text) as { url: string; apiKey: string });
        } catch {
          // Not the whole object yet.
        }
      });
      server.on('close', (code) => reject(new Error(`pv serve exited with ${code} before listening`)));
    });
    try {
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
      const health = await fetch(`${started.url}/healthz`);
      expect(health.status).toBe(200);
      const subjects = await fetch(`${started.url}/v1/subjects`, { headers: { authorization: `Bearer ${started.apiKey}` } });
      expect(subjects.status).toBe(200);
      expect(await subjects.json()).toEqual({ subjects: [{ label: '7266', count: 3 }, { label: '7268', count: 3 }] });
    } finally {
      server.kill('SIGINT');
    }
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Stopped.');
  });

  it('runs MTCNN over an hnsw: store: enrolls and identifies over HTTP, with PV_THRESHOLD honoured', async () => {
    const server = startPv(
      ['serve', '--store', 'hnsw:served-index', '--detector', 'mtcnn', '--port', '0', '--host', '127.0.0.1', '--jobs', '1', '--json'],
      work,
      { ...env, PV_THRESHOLD: '0.66' },
    );
    const done = finished(server);
    const started = await new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
      let text = '';
      server.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        try {
          resolve(JSON.parse(text) as { url: string; apiKey: string });
        } catch {
          // Not the whole object yet.
        }
      });
      server.on('close', (code) => reject(new Error(`pv serve exited with ${code} before listening`)));
    });
    const auth = { authorization: `Bearer ${started.apiKey}` };
    const upload = async (file: string): Promise<FormData> => {
      const form = new FormData();
      form.set('image', new Blob([await readFile(file)], { type: 'image/jpeg' }), path.basename(file));
      return form;
    };
    try {
      const [kate, kate2] = await celebaPhotos('7266');
      const [other] = await celebaPhotos('7268');
      for (const [label, file] of [['kate', kate], ['other', other]] as const) {
        const enrolled = await fetch(`${started.url}/v1/subjects/${label}/faces`, { method: 'POST', headers: auth, body: await upload(file as string) });
        expect(enrolled.status, await enrolled.clone().text()).toBe(201);
      }
      const answer = await fetch(`${started.url}/v1/identify?k=2`, { method: 'POST', headers: auth, body: await upload(kate2 as string) });
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as { threshold: number; faces: { prediction: string; candidates: { label: string }[] }[] };
      expect(body.threshold).toBe(0.66);
      expect(body.faces[0]?.prediction).toBe('kate');
      expect(body.faces[0]?.candidates.map((c) => c.label)).toEqual(['kate', 'other']);
    } finally {
      server.kill('SIGINT');
    }
    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('detector mtcnn');
  });

  it('refuses a PV_THRESHOLD where everyone would match, naming the variable', async () => {
    const run = await runPv(['serve', '--store', 'memory:', '--port', '0'], work, { ...env, PV_THRESHOLD: '100' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/E_INVALID_ARGUMENT.*PV_THRESHOLD/u);
  });
});

describe('any model and detector in batch commands', { timeout: E2E_TIMEOUT_MS }, () => {
  it('pv eval lfw --detector mtcnn --jobs 2 runs', async () => {
    const lfw = path.join(sharedData, 'lfw-fold1');
    const pairs = (await readFile(path.join(lfw, 'pairs.txt'), 'utf8')).split('\n');
    // The header, then 10 same-person and 10 different-person pairs: enough to run the whole path.
    const same = pairs.slice(1, 11);
    const different = pairs.slice(301, 311);
    const subset = path.join(work, 'pairs-20.txt');
    await writeFile(subset, ['1 10', ...same, ...different, ''].join('\n'));
    const run = await runPv(['eval', 'lfw', '--root', lfw, '--pairs', subset, '--detector', 'mtcnn', '--jobs', '2', '--json'], work, env);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { dataset: { pairs: number } };
    expect(report.dataset.pairs).toBe(20);
  });

  it('pv enroll --model dlib-resnet works and identifies with it', async () => {
    const enrolled = await runPv(['enroll', 'people', '--model', 'dlib-resnet', '--store', 'file:dlib.pv', '--json'], work, { ...env, PV_MODELS_DIR: modelsCacheDir() });
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(JSON.parse(enrolled.stdout)).toMatchObject({ model: 'dlib-resnet', facesSaved: 2 });
    const [photo] = await celebaPhotos('7266');
    const identified = await runPv(['identify', photo as string, '--model', 'dlib-resnet', '--store', 'file:dlib.pv', '--json'], work, { ...env, PV_MODELS_DIR: modelsCacheDir() });
    expect(identified.code, identified.stderr).toBe(0);
    expect(JSON.parse(identified.stdout)).toMatchObject({ model: 'dlib-resnet', metric: 'l2' });
  });
});

