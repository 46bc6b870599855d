import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalog, mobilefacenet, type EmbedderModelEntry } from '@pv/models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_MODELS_FILE, loadLocalModels, removeLocalModel, saveLocalModel } from './local-models.js';

const facenet: EmbedderModelEntry = {
  ...mobilefacenet,
  id: 'facenet-vggface2',
  description: 'FaceNet Inception-ResNet-v1 imported from VGGFace2 weights',
  source: { kind: 'local', file: 'facenet-vggface2/model.onnx', sha256: 'c'.repeat(64), size: 1234 },
  alignment: { kind: 'box-crop', width: 160, height: 160, margin: 0, square: false },
};

let cacheDir: string;

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'pv-local-models-'));
});

afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('local model persistence', () => {
  it('loads nothing when there is no file', async () => {
    const catalog = new ModelCatalog();
    expect(await loadLocalModels({ cacheDir, catalog })).toEqual([]);
    expect(catalog.registered()).toEqual([]);
  });

  it('saves an entry that a fresh catalog (a new process) loads back', async () => {
    const first = new ModelCatalog();
    await saveLocalModel(facenet, { cacheDir, catalog: first });
    expect(first.get('facenet-vggface2')).toEqual(facenet);

    const second = new ModelCatalog();
    expect((await loadLocalModels({ cacheDir, catalog: second })).map((e) => e.id)).toEqual(['facenet-vggface2']);
    expect(second.get('facenet-vggface2')).toEqual(facenet);
    expect(await readdir(cacheDir)).toEqual([LOCAL_MODELS_FILE]);
  });

  it('replaces an entry with the same id and removes entries', async () => {
    const catalog = new ModelCatalog();
    await saveLocalModel(facenet, { cacheDir, catalog });
    await saveLocalModel({ ...facenet, id: 'other' }, { cacheDir, catalog });
    await saveLocalModel({ ...facenet, description: 'updated' }, { cacheDir, catalog });
    const onDisk = JSON.parse(await readFile(join(cacheDir, LOCAL_MODELS_FILE), 'utf8')) as { models: { id: string; description: string }[] };
    expect(onDisk.models.map((m) => [m.id, m.description])).toEqual([
      ['other', facenet.description],
      ['facenet-vggface2', 'updated'],
    ]);
    expect(await removeLocalModel('other', { cacheDir, catalog })).toBe(true);
    expect(await removeLocalModel('other', { cacheDir, catalog })).toBe(false);
    expect(catalog.has('other')).toBe(false);
    const fresh = new ModelCatalog();
    expect((await loadLocalModels({ cacheDir, catalog: fresh })).map((e) => e.id)).toEqual(['facenet-vggface2']);
  });

  it('refuses to save an entry that claims a built-in id, leaving the file alone', async () => {
    await expect(saveLocalModel({ ...facenet, id: 'mobilefacenet' }, { cacheDir, catalog: new ModelCatalog() })).rejects.toMatchObject({
      code: 'E_INVALID_ARGUMENT',
    });
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('reports a damaged file as E_STORE_CORRUPT and does not overwrite it', async () => {
    const file = join(cacheDir, LOCAL_MODELS_FILE);
    for (const content of ['{ not json', '{"version": 2, "models": []}', '{"version": 1, "models": [{"id": "x"}]}']) {
      await writeFile(file, content);
      await expect(loadLocalModels({ cacheDir, catalog: new ModelCatalog() })).rejects.toMatchObject({ code: 'E_STORE_CORRUPT' });
      await expect(saveLocalModel(facenet, { cacheDir, catalog: new ModelCatalog() })).rejects.toMatchObject({ code: 'E_STORE_CORRUPT' });
      expect(await readFile(file, 'utf8')).toBe(content);
    }
  });
});
