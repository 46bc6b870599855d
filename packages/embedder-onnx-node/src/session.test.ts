import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { landmarks68 } from '@pv/models';
import { ensureModelFile } from '@pv/model-fetch';
import { resolveModel } from './model-files.js';
import { openSession, ortSessionOptions } from './session.js';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isPvError(error) ? error.code : `not a PvError: ${String(error)}`;
  }
  return undefined;
}

describe('ortSessionOptions', () => {
  it('defaults to one sequential thread without spinning', () => {
    expect(ortSessionOptions()).toMatchObject({
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
    });
  });

  it('passes the caller’s choices through', () => {
    expect(ortSessionOptions({ intraOpNumThreads: 2, allowSpinning: true, executionMode: 'parallel' })).toMatchObject({
      intraOpNumThreads: 2,
      executionMode: 'parallel',
      extra: { session: { intra_op: { allow_spinning: '1' } } },
    });
  });
});

describe('openSession', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pv-session-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('opens a real model whose tensors match its catalog entry', async () => {
    const session = await openSession(landmarks68, await ensureModelFile('landmarks68'));
    expect(session.inputNames).toEqual(['input']);
    await session.release();
  });

  it('refuses a file onnxruntime cannot read with E_MODEL_FORMAT', async () => {
    const file = path.join(dir, 'broken.onnx');
    await writeFile(file, 'not a model');
    expect(await codeOf(openSession(landmarks68, file))).toBe('E_MODEL_FORMAT');
  });

  it('refuses a graph whose tensor names differ from the entry with E_MODEL_FORMAT', async () => {
    const renamed = { ...landmarks68, outputs: [{ ...landmarks68.outputs[0]!, name: 'points' }] };
    expect(await codeOf(openSession(renamed, await ensureModelFile('landmarks68')))).toBe('E_MODEL_FORMAT');
  });
});

describe('resolveModel', () => {
  it('refuses a model of another task with E_INVALID_ARGUMENT', async () => {
    expect(await codeOf(resolveModel('rfb320', 'embedder'))).toBe('E_INVALID_ARGUMENT');
    expect(await codeOf(resolveModel('no-such-model', 'embedder'))).toBe('E_NOT_FOUND');
  });
});
