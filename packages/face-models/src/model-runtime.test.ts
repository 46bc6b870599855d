import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '@pv/models';
import { expectPvError } from '@pv/testkit';
import { FakeRuntime, tensor } from './fake-runtime.fixture.js';
import { buildOrClose, catalogEntry } from './model-runtime.js';

describe('catalogEntry', () => {
  it('returns the entry of a model of the wanted task', () => {
    expect(catalogEntry(defaultCatalog, 'mobilefacenet', 'embedder').dimension).toBe(512);
  });

  it('refuses a model of another task with E_INVALID_ARGUMENT and an unknown id with E_NOT_FOUND', async () => {
    await expectPvError(() => catalogEntry(defaultCatalog, 'rfb320', 'embedder'), 'E_INVALID_ARGUMENT');
    await expectPvError(() => catalogEntry(defaultCatalog, 'no-such-model', 'embedder'), 'E_NOT_FOUND');
  });
});

describe('buildOrClose', () => {
  const runtime = new FakeRuntime({ landmarks68: () => ({ output: tensor([]) }) });

  it('keeps the runner open when building succeeds', async () => {
    const model = await runtime.open('landmarks68', 'landmarks');
    expect(await buildOrClose(model, (m) => m.entry.id)).toBe('landmarks68');
    expect(runtime.runners['landmarks68']?.closed).toBe(false);
  });

  it('closes the runner and rethrows when building fails', async () => {
    const model = await runtime.open('landmarks68', 'landmarks');
    const failure = new Error('unsuitable');
    await expect(
      buildOrClose(model, () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(runtime.runners['landmarks68']?.closed).toBe(true);
  });
});
