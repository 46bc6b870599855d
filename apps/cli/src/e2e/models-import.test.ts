// End to end: pv models import facenet, then a command using the imported model. The official checkpoints
// cannot be downloaded here, so the file is a synthetic one in the exact facenet-pytorch layout: the
// conversion and the wiring are real, the weights' values are not.
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { modelsCacheDir } from '@pv/model-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inceptionResnetV1Layout } from '@pv/facenet';
import { writeCheckpoint, type CheckpointEntry } from '@pv/torch-checkpoint/testing';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, runPv, sharedData, tempDir } from './pv-process.fixture.js';

let work = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('import');
  // A models directory of its own (the import writes into it), sharing the verified default models.
  const models = path.join(work, 'models');
  await mkdir(models);
  for (const id of ['rfb320', 'landmarks68']) await symlink(path.join(modelsCacheDir(), id), path.join(models, id));
  env = { PV_MODELS_DIR: models };
  await writeFile(
    path.join(work, '20180402-114759-vggface2.pt'),
    writeCheckpoint(syntheticFacenetWeights(), { format: 'zip' }),
  );
  await writeFile(path.join(work, 'not-a-checkpoint.pt'), 'hello');
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv models import facenet', { timeout: E2E_TIMEOUT_MS }, () => {
  it('converts a checkpoint, lists it as a verified local model, and runs it with --model', async () => {
    const imported = await runPv(['models', 'import', 'facenet', '--vggface2', '20180402-114759-vggface2.pt', '--json'], work, env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual([
      expect.objectContaining({ id: 'facenet-vggface2', onnxFile: path.join(work, 'models', 'facenet-vggface2.onnx') }),
    ]);
    const list = await runPv(['models', 'list', '--json'], work, env);
    expect(JSON.parse(list.stdout)).toContainEqual(
      expect.objectContaining({ id: 'facenet-vggface2', task: 'embedder', source: 'local', cached: 'verified', builtIn: false, dimension: 512 }),
    );
    // facenet-* bring their detector (catalog `detector: mtcnn`): import MTCNN too, then --model alone suffices.
    const mtcnn = await runPv(['models', 'import', 'mtcnn', '--dir', path.join(sharedData, 'facenet-pytorch'), '--json'], work, env);
    expect(mtcnn.code, mtcnn.stderr).toBe(0);
    const [a, b] = await celebaPhotos('7258');
    const compared = await runPv(['compare', a as string, b as string, '--model', 'facenet-vggface2', '--json'], work, env);
    expect([0, 1], compared.stderr).toContain(compared.code);
    const result = JSON.parse(compared.stdout) as { model: string; same: boolean; distance: number; threshold: number };
    expect(result.model).toBe('facenet-vggface2');
    expect(result.same).toBe(result.distance <= result.threshold);
    expect(compared.code).toBe(result.same ? 0 : 1);
  });

  it('refuses a file that is not a checkpoint, a missing file, and no file at all (exit 2)', async () => {
    const bad = await runPv(['models', 'import', 'facenet', '--vggface2', 'not-a-checkpoint.pt'], work, env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('E_MODEL_FORMAT');
    const missing = await runPv(['models', 'import', 'facenet', '--casia-webface', 'nowhere.pt'], work, env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('E_NOT_FOUND');
    const none = await runPv(['models', 'import', 'facenet'], work, env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--vggface2 and/or --casia-webface');
    const family = await runPv(['models', 'import', 'insightface'], work, env);
    expect(family.code).toBe(2);
    expect(family.stderr).toContain("Allowed choices are facenet");
  });
});

/** Every tensor of facenet-pytorch's InceptionResnetV1 (without the classifier), filled with small deterministic values. */
function syntheticFacenetWeights(): CheckpointEntry[] {
  let state = 12345;
  const next = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return inceptionResnetV1Layout()
    .filter((spec) => !spec.key.startsWith('logits.'))
    .map((spec) => {
      const shape = spec.shape as readonly number[];
      const count = shape.reduce((a, b) => a * b, 1);
      if (spec.dtype === 'int64') return { key: spec.key, shape, data: new BigInt64Array(count) };
      const variance = spec.key.endsWith('running_var');
      return { key: spec.key, shape, data: Float32Array.from({ length: count }, () => (variance ? 0.5 + next() : 0.2 * next() - 0.1)) };
    });
}
