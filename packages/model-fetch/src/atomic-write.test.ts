import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from './atomic-write.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pv-atomic-write-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('writes bytes or text, creating the folder, and replaces an existing file, leaving no temporary file', async () => {
    const file = join(dir, 'nested', 'deeper', 'model.onnx');
    await writeFileAtomically(file, Uint8Array.of(1, 2, 3));
    expect([...(await readFile(file))]).toEqual([1, 2, 3]);
    await writeFileAtomically(file, 'replaced');
    expect(await readFile(file, 'utf8')).toBe('replaced');
    expect(await readdir(join(dir, 'nested', 'deeper'))).toEqual(['model.onnx']);
  });

  it('removes its temporary file and rethrows when the rename fails', async () => {
    const occupied = join(dir, 'occupied');
    await mkdir(occupied);
    await writeFile(join(occupied, 'keep'), 'x');
    await expect(writeFileAtomically(occupied, 'data')).rejects.toMatchObject({ code: expect.stringMatching(/^E(ISDIR|NOTEMPTY|EXIST|PERM)$/) });
    expect(await readdir(dir)).toEqual(['occupied']);
    expect(await readFile(join(occupied, 'keep'), 'utf8')).toBe('x');
  });
});
