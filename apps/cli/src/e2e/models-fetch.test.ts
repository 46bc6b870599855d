// End to end: pv models fetch mtcnn | facenet-vggface2 against a stand-in for GitHub on 127.0.0.1 (--mirror).
// MTCNN is served from the real files; the FaceNet checkpoint is a synthetic one in the exact facenet-pytorch
// layout (the official file cannot be downloaded here): download, verification, conversion and wiring are real.
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Facenet } from '@pv/facenet-compat';
import { syntheticInceptionResnetV1Entries } from '@pv/facenet/testing';
import { startFakeGithub, type FakeGithub } from '@pv/model-fetch/testing';
import { findRemoteWeights } from '@pv/models';
import { writeCheckpoint } from '@pv/torch-checkpoint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, runPv, sharedData, tempDir } from './pv-process.fixture.js';

let work = '';
let server: FakeGithub;
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('fetch');
  server = await startFakeGithub('github/');
  for (const file of findRemoteWeights('mtcnn')?.files ?? []) server.set(file.path, await readFile(path.join(sharedData, 'facenet-pytorch', file.name)));
  server.set(
    findRemoteWeights('facenet-vggface2')?.files[0]?.path as string,
    writeCheckpoint(syntheticInceptionResnetV1Entries({ seed: 3, logitsClasses: 8631 }), { format: 'zip' }),
  );
  // Nothing leaves 127.0.0.1, whatever proxy the machine running the tests has.
  env = { PV_MODELS_DIR: path.join(work, 'models'), HTTPS_PROXY: '', HTTP_PROXY: '', NO_PROXY: '' };
}, 240_000);

afterAll(async () => {
  await server?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv models fetch (weights from outside the npm registry)', { timeout: E2E_TIMEOUT_MS }, () => {
  it('fetches MTCNN from the mirror, pinned, prints where it comes from and its terms, and registers the detector', async () => {
    const run = await runPv(['models', 'fetch', 'mtcnn', '--mirror', server.baseUrl, '--json'], work, env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { downloads: { name: string; trust: string; url: string }[]; imported: { id: string }[] };
    expect(result.downloads.map((d) => [d.name, d.trust])).toEqual([
      ['pnet.pt', 'pinned'],
      ['rnet.pt', 'pinned'],
      ['onet.pt', 'pinned'],
    ]);
    expect(result.downloads[0]?.url.startsWith(server.baseUrl)).toBe(true);
    expect(result.imported.map((m) => m.id)).toEqual(['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet']);
    expect(run.stderr).toContain('787da06156087cd6b616fe6608213722bddc30cd');
    expect(run.stderr).toContain('terms:');
  });

  it('fetches FaceNet, states trust on first use and the research terms of its training data; info shows the origin', async () => {
    const run = await runPv(['models', 'fetch', 'facenet-vggface2', '--mirror', server.baseUrl], work, env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/VGGFace2.*non-commercial research use only/u);
    expect(run.stderr).toContain('trusted on first use and recorded');
    expect(run.stdout).toContain('imported facenet-vggface2');
    expect(run.stdout).toContain('pv eval lfw');
    const info = await runPv(['models', 'info', 'facenet-vggface2'], work, env);
    expect(info.stdout).toContain(`converted:  from ${server.baseUrl}timesler/facenet-pytorch/releases/download/v2.2.9/20180402-114759-vggface2.pt`);
    expect(info.stdout).toContain('detector:   mtcnn');
    const again = await runPv(['models', 'fetch', 'facenet-vggface2', '--mirror', server.baseUrl], work, env);
    expect(again.stderr).toContain('matches the hash recorded at its first download');
  });

  it("opens what the reference-style Facenet class saved: pv identify --store file:save/det.pkl", async () => {
    const people = path.join(work, 'people');
    await mkdir(people);
    const [alice] = await celebaPhotos('7206');
    const [bob] = await celebaPhotos('7213');
    await symlink(alice as string, path.join(people, 'alice.jpg'));
    await symlink(bob as string, path.join(people, 'bob.jpg'));
    const facenet = new Facenet({
      pretrained: 'vggface2',
      saveLoc: path.join(work, 'save'),
      saveName: 'det.pkl',
      fetch: { cacheDir: env.PV_MODELS_DIR as string, mirror: server.baseUrl, env },
    });
    try {
      expect((await facenet.generateEmbeddings(people)).map((e) => e.label).sort()).toEqual(['alice', 'bob']);
    } finally {
      await facenet.close();
    }
    const args = ['identify', path.join(people, 'bob.jpg'), '--store', 'file:save/det.pkl', '--model', 'facenet-vggface2', '--detector', 'mtcnn', '--metric', 'l2', '--json'];
    const run = await runPv(args, work, env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { model: string; faces: { prediction: string; candidates: { distance: number }[] }[] };
    expect(result.model).toBe('facenet-vggface2');
    expect(result.faces[0]?.prediction).toBe('bob');
    expect(result.faces[0]?.candidates[0]?.distance).toBeLessThan(1e-4);
  });

  it('offline, names the manual download and import', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const run = await runPv(['models', 'fetch', 'facenet-casia-webface', '--mirror', `http://127.0.0.1:${closedPort}/`], work, env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('E_MODEL_UNAVAILABLE');
    expect(run.stderr).toContain('pv models import facenet --casia-webface <file>');
  });
});
