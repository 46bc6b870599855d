import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLocalModels } from '@pv/model-fetch';
import { ModelCatalog } from '@pv/models';
import { decodeModel } from '@pv/onnx-writer';
import { readStateDict } from '@pv/torch-checkpoint';
import { writeCheckpoint, type CheckpointEntry } from '@pv/torch-checkpoint/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importMtcnn } from './import-mtcnn.js';
import { FACENET_DATA } from './testing/shared-data.fixture.js';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The real pnet.pt's tensors, changed by `edit`, as checkpoint entries. */
async function editedPnet(edit: (entries: CheckpointEntry[]) => CheckpointEntry[]): Promise<Uint8Array> {
  const stateDict = readStateDict(new Uint8Array(await readFile(path.join(FACENET_DATA, 'pnet.pt'))));
  const entries = [...stateDict].map(([key, tensor]): CheckpointEntry => ({ key, shape: tensor.shape, data: tensor.data as Float32Array }));
  return writeCheckpoint(edit(entries), { format: 'legacy', layout: 'column-major' });
}

describe('importMtcnn', () => {
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'pv-mtcnn-import-'));
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('converts the three real files, writes the ONNX models and registers verified local entries', async () => {
    const modelsDir = path.join(work, 'models');
    const catalog = new ModelCatalog();
    const imported = await importMtcnn({ directory: FACENET_DATA, modelsDir, catalog });
    expect(imported.map((m) => m.id)).toEqual(['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet']);
    for (const [model, network] of imported.map((m, i) => [m, ['pnet', 'rnet', 'onet'][i] as string] as const)) {
      const weights = new Uint8Array(await readFile(path.join(FACENET_DATA, `${network}.pt`)));
      expect(model.source).toEqual({ file: path.join(FACENET_DATA, `${network}.pt`), sha256: sha256(weights), size: weights.length, format: 'pytorch-legacy' });
      const onnx = new Uint8Array(await readFile(model.onnxFile));
      expect(model.onnxFile).toBe(path.join(modelsDir, `${model.id}.onnx`));
      expect(model.entry.source).toEqual({ kind: 'local', file: `${model.id}.onnx`, sha256: sha256(onnx), size: onnx.length, convertedFrom: model.source });
      expect(model.entry.description).toContain(`sha256 ${model.source.sha256}, ${model.source.size} bytes`);
      const metadata = Object.fromEntries((decodeModel(onnx).metadataProps ?? []).map((p) => [p.key, p.value]));
      expect(metadata).toMatchObject({ source_file: `${network}.pt`, source_sha256: model.source.sha256, source_size: String(model.source.size) });
      expect(catalog.get(model.id).task).toBe('detector');
    }
    // A later process finds the entries again from the cache directory.
    const fresh = new ModelCatalog();
    expect((await loadLocalModels({ cacheDir: modelsDir, catalog: fresh })).map((e) => e.id)).toEqual(['mtcnn-pnet', 'mtcnn-rnet', 'mtcnn-onet']);
    // The conversion is deterministic: importing again writes the same bytes.
    const again = await importMtcnn({ directory: FACENET_DATA, modelsDir, catalog });
    expect(again.map((m) => m.entry.source)).toEqual(imported.map((m) => m.entry.source));
  });

  it('refuses swapped files, naming the file and the first mismatch, and writes nothing', async () => {
    const modelsDir = path.join(work, 'swapped');
    const attempt = importMtcnn({
      pnet: path.join(FACENET_DATA, 'rnet.pt'),
      rnet: path.join(FACENET_DATA, 'pnet.pt'),
      onet: path.join(FACENET_DATA, 'onet.pt'),
      modelsDir,
      catalog: new ModelCatalog(),
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'E_MODEL_FORMAT',
      message: 'The file rnet.pt (as pnet.pt) does not match the expected layout: tensor conv1.weight has shape [28, 3, 3, 3], expected [10, 3, 3, 3]',
    });
    await expect(readdir(modelsDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  const tampered: [string, (entries: CheckpointEntry[]) => CheckpointEntry[], string][] = [
    ['a tensor of another shape', (e) => e.map((t) => (t.key === 'conv2.weight' ? { ...t, shape: [16, 10, 1, 9] } : t)), 'tensor conv2.weight has shape [16, 10, 1, 9], expected [16, 10, 3, 3]'],
    ['a missing tensor', (e) => e.filter((t) => t.key !== 'prelu3.weight'), 'missing tensor prelu3.weight (expected shape [32])'],
    ['an extra tensor', (e) => [...e, { key: 'conv5.weight', shape: [2], data: new Float32Array(2) }], 'unexpected tensor conv5.weight of shape [2]'],
  ];
  for (const [what, edit, mismatch] of tampered) {
    it(`refuses a pnet.pt with ${what}, naming it`, async () => {
      const folder = await mkdtemp(path.join(work, 'tampered-'));
      await writeFile(path.join(folder, 'pnet.pt'), await editedPnet(edit));
      await copyFile(path.join(FACENET_DATA, 'rnet.pt'), path.join(folder, 'rnet.pt'));
      await copyFile(path.join(FACENET_DATA, 'onet.pt'), path.join(folder, 'onet.pt'));
      const catalog = new ModelCatalog();
      await expect(importMtcnn({ directory: folder, modelsDir: path.join(folder, 'models'), catalog })).rejects.toMatchObject({
        code: 'E_MODEL_FORMAT',
        message: `The file pnet.pt (as pnet.pt) does not match the expected layout: ${mismatch}`,
      });
      expect(catalog.has('mtcnn-pnet')).toBe(false);
    });
  }

  it('reports a missing file and a missing path', async () => {
    await expect(importMtcnn({ directory: path.join(work, 'nowhere'), modelsDir: path.join(work, 'unused') })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await expect(importMtcnn({ pnet: 'pnet.pt', rnet: 'rnet.pt' })).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('refuses a file that is not a PyTorch checkpoint', async () => {
    const folder = await mkdtemp(path.join(work, 'garbage-'));
    await writeFile(path.join(folder, 'pnet.pt'), 'not a checkpoint');
    await expect(
      importMtcnn({ directory: FACENET_DATA, pnet: path.join(folder, 'pnet.pt'), modelsDir: path.join(folder, 'models'), catalog: new ModelCatalog() }),
    ).rejects.toMatchObject({ code: 'E_MODEL_FORMAT' });
  });
});
