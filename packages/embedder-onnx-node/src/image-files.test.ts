import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { listImageFiles } from './image-files.js';

describe('listImageFiles', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pv-image-files-'));
    await mkdir(path.join(dir, 'bob', 'deeper'), { recursive: true });
    await mkdir(path.join(dir, '.cache'));
    for (const name of ['a.jpg', 'B.PNG', 'c.gif', '.hidden.jpg', 'notes.txt', 'old.bmp', 'bob/1.webp', 'bob/2.AVIF', 'bob/deeper/3.jpg', '.cache/4.jpg']) {
      await writeFile(path.join(dir, name), '');
    }
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists images of the directory and its direct subdirectories, sorted, with relative paths', async () => {
    const entries = await listImageFiles(dir);
    expect(entries.map((e) => e.relativePath)).toEqual(['B.PNG', 'a.jpg', 'bob/1.webp', 'bob/2.AVIF', 'c.gif']);
    expect(entries[2]?.path).toBe(path.join(dir, 'bob', '1.webp'));
  });

  it('refuses a missing directory (E_NOT_FOUND) and a file (E_INVALID_ARGUMENT)', async () => {
    for (const [target, code] of [
      [path.join(dir, 'nope'), 'E_NOT_FOUND'],
      [path.join(dir, 'a.jpg'), 'E_INVALID_ARGUMENT'],
    ] as const) {
      let caught: unknown;
      try {
        await listImageFiles(target);
      } catch (error) {
        caught = error;
      }
      expect(isPvError(caught, code)).toBe(true);
    }
  });
});
