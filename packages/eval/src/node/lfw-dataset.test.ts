import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPvError } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignFolds } from '../folds.js';
import { loadLfwDataset } from './lfw-dataset.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const lfwFold1 = path.resolve(repoRoot, '../shared/data/lfw-fold1');

describe('loadLfwDataset on the shared LFW fold 1', () => {
  it('reads 300 same-person and 300 different-person pairs whose 807 images all exist', async () => {
    const dataset = await loadLfwDataset(lfwFold1);
    expect(dataset.sets).toBe(1);
    expect(dataset.pairsPerSet).toBe(300);
    expect(dataset.pairs).toHaveLength(600);
    expect(dataset.pairs.slice(0, 300).every((p) => p.same)).toBe(true);
    expect(dataset.pairs.slice(300).every((p) => !p.same)).toBe(true);
    expect(dataset.pairs[0]).toMatchObject({ a: 'Abel_Pacheco/Abel_Pacheco_0001.jpg', b: 'Abel_Pacheco/Abel_Pacheco_0004.jpg' });
    expect(dataset.pairs[300]).toMatchObject({
      a: 'Abdel_Madi_Shabneh/Abdel_Madi_Shabneh_0001.jpg',
      b: 'Dean_Barker/Dean_Barker_0001.jpg',
    });
    expect(new Set(dataset.pairs.flatMap((p) => [p.a, p.b])).size).toBe(807);
    expect(dataset.imagePath('Zico/Zico_0002.jpg')).toBe(path.join(lfwFold1, 'images', 'Zico', 'Zico_0002.jpg'));
  });

  it('gives 10 folds of 30 + 30 pairs in file order', async () => {
    const dataset = await loadLfwDataset(lfwFold1);
    const foldOf = assignFolds(dataset.pairs, 10);
    for (let fold = 0; fold < 10; fold++) {
      const members = dataset.pairs.filter((_, i) => foldOf[i] === fold);
      expect(members.filter((p) => p.same).map((p) => p.line)).toEqual(Array.from({ length: 30 }, (_, i) => 2 + 30 * fold + i));
      expect(members.filter((p) => !p.same).map((p) => p.line)).toEqual(Array.from({ length: 30 }, (_, i) => 302 + 30 * fold + i));
    }
  });
});

describe('loadLfwDataset errors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pv-eval-'));
    await mkdir(path.join(dir, 'faces', 'Ann'), { recursive: true });
    await writeFile(path.join(dir, 'faces', 'Ann', 'Ann_0001.jpg'), 'x');
    await writeFile(path.join(dir, 'faces', 'Ann', 'Ann_0002.jpg'), 'x');
    await writeFile(path.join(dir, 'list.txt'), '1 1\nAnn 1 2\nAnn 1 Bob 3\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the missing images', async () => {
    const error = await loadLfwDataset(dir, { pairsFile: 'list.txt', imagesDirectory: 'faces' }).catch((e: unknown) => e);
    expect(isPvError(error, 'E_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toMatch(/1 image\(s\) named in .*list\.txt are missing under .*faces: Bob\/Bob_0003\.jpg$/u);
  });

  it('reads other file names once everything exists', async () => {
    await mkdir(path.join(dir, 'faces', 'Bob'));
    await writeFile(path.join(dir, 'faces', 'Bob', 'Bob_0003.jpg'), 'x');
    const dataset = await loadLfwDataset(dir, { pairsFile: 'list.txt', imagesDirectory: 'faces' });
    expect(dataset.pairs.map((p) => dataset.imagePath(p.b))).toEqual([
      path.join(dir, 'faces', 'Ann', 'Ann_0002.jpg'),
      path.join(dir, 'faces', 'Bob', 'Bob_0003.jpg'),
    ]);
  });

  it('finds the images of the LFW download as distributed: lfw/<Name>/… beside pairs.txt, or <Name>/… beside it', async () => {
    const beside = await mkdtemp(path.join(os.tmpdir(), 'pv-eval-lfw-'));
    try {
      await mkdir(path.join(beside, 'lfw', 'Ann'), { recursive: true });
      await mkdir(path.join(beside, 'lfw', 'Bob'));
      for (const file of ['Ann/Ann_0001.jpg', 'Ann/Ann_0002.jpg', 'Bob/Bob_0001.jpg']) await writeFile(path.join(beside, 'lfw', file), 'x');
      await writeFile(path.join(beside, 'pairs.txt'), '1 1\nAnn 1 2\nAnn 1 Bob 1\n');
      expect((await loadLfwDataset(beside)).imagesDirectory).toBe(path.join(beside, 'lfw'));
      await writeFile(path.join(beside, 'lfw', 'pairs.txt'), '1 1\nAnn 1 2\nAnn 1 Bob 1\n');
      const inside = await loadLfwDataset(path.join(beside, 'lfw'));
      expect(inside.imagesDirectory).toBe(path.join(beside, 'lfw'));
      expect(inside.imagePath('Ann/Ann_0002.jpg')).toBe(path.join(beside, 'lfw', 'Ann', 'Ann_0002.jpg'));
      await writeFile(path.join(beside, 'pairs.txt'), '1 1\nCy 1 2\nCy 1 Bob 1\n');
      const error = await loadLfwDataset(beside).catch((e: unknown) => e);
      expect(isPvError(error, 'E_NOT_FOUND')).toBe(true);
      expect((error as Error).message).toContain(`missing under ${path.join(beside, 'images')} or ${path.join(beside, 'lfw')} or ${beside}:`);
    } finally {
      await rm(beside, { recursive: true, force: true });
    }
  });

  it('refuses a missing pairs file with E_NOT_FOUND', async () => {
    const error = await loadLfwDataset(dir).catch((e: unknown) => e);
    expect(isPvError(error, 'E_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toMatch(/pairs\.txt/);
  });
});
