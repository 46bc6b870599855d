// End to end: a batch goes on past bad files, reports each with its reason, and exits 1.
import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

interface EnrollJson {
  readonly files: { readonly total: number; readonly enrolled: number; readonly failed: number };
  readonly enrolled: readonly { file: string; label: string; faces: number }[];
  readonly failures: readonly { file: string; code: string; reason: string; message: string }[];
  readonly storeCount: number;
}

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('failures');
  const [face] = await celebaPhotos('7235');
  const mixed = path.join(work, 'mixed');
  await mkdir(mixed);
  await symlink(face as string, path.join(mixed, 'alice_2.jpg'));
  await writeFile(path.join(mixed, 'empty.jpg'), '');
  await writeFile(path.join(mixed, 'not-really.png'), 'this is text, not a PNG\n');
  await writeFile(path.join(mixed, 'notes.txt'), 'ignored: not an image file name\n');
  await writeFile(path.join(mixed, 'truncated.jpg'), (await readFile(face as string)).subarray(0, 2000));
  await sharp({ create: { width: 320, height: 240, channels: 3, background: '#7a8a9a' } }).jpeg().toFile(path.join(mixed, 'wall.jpg'));
  const noFaces = path.join(work, 'no-faces');
  await mkdir(noFaces);
  await copyFile(path.join(mixed, 'wall.jpg'), path.join(noFaces, 'wall.jpg'));
  await sharp({ create: { width: 200, height: 200, channels: 3, background: '#000000' } }).png().toFile(path.join(noFaces, 'night.png'));
  await mkdir(path.join(work, 'empty-dir'));
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('pv enroll on bad input', { timeout: E2E_TIMEOUT_MS }, () => {
  it('enrolls the good file, reports every bad one with its reason, and exits 1', async () => {
    const { run, json } = await runPvJson<EnrollJson>(['enroll', 'mixed', '--store', 'file:mixed.pv'], work);
    expect(run.code).toBe(1);
    expect(json.enrolled.map((e) => [path.basename(e.file), e.label])).toEqual([['alice_2.jpg', 'alice']]);
    expect(json.failures.map((f) => [path.basename(f.file), f.code, f.reason])).toEqual([
      ['empty.jpg', 'E_BAD_IMAGE', 'unreadable'],
      ['not-really.png', 'E_BAD_IMAGE', 'unreadable'],
      ['truncated.jpg', 'E_BAD_IMAGE', 'unreadable'],
      ['wall.jpg', 'E_NO_FACE', 'no face'],
    ]);
    expect(json.files).toMatchObject({ total: 5, enrolled: 1, failed: 4 });
    expect(json.storeCount).toBe(1);
  });

  it('prints one line per file and the failures with reasons at the end', async () => {
    const run = await runPv(['enroll', 'mixed', '--store', 'file:mixed-human.pv'], work);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    // A failure is printed as soon as it is known; "enrolled" only once the file's records are written (at
    // the end of its batch), so it never names a file whose record is not on disk.
    expect(lines.slice(0, 5)).toEqual([
      'unreadable    mixed/empty.jpg',
      'unreadable    mixed/not-really.png',
      'unreadable    mixed/truncated.jpg',
      'no face       mixed/wall.jpg',
      'enrolled      mixed/alice_2.jpg → alice',
    ]);
    expect(lines[5]).toMatch(/^Enrolled 1 face of 1 person from 1 of 5 files into file:mixed-human\.pv/u);
    expect(lines[6]).toBe('4 files failed:');
    expect(lines.slice(7).map((l) => l.split(':')[0])).toEqual([
      '  unreadable    mixed/empty.jpg',
      '  unreadable    mixed/not-really.png',
      '  unreadable    mixed/truncated.jpg',
      '  no face       mixed/wall.jpg',
    ]);
  });

  it('refuses photos with several faces under --faces strict', async () => {
    const group = path.join(work, 'group');
    await mkdir(group, { recursive: true });
    const [a] = await celebaPhotos('7236');
    const [b] = await celebaPhotos('7239');
    // Two people side by side in one photo.
    const left = await sharp(a as string).resize(300, 360, { fit: 'cover' }).toBuffer();
    const right = await sharp(b as string).resize(300, 360, { fit: 'cover' }).toBuffer();
    await sharp({ create: { width: 600, height: 360, channels: 3, background: '#ffffff' } })
      .composite([
        { input: left, left: 0, top: 0 },
        { input: right, left: 300, top: 0 },
      ])
      .jpeg()
      .toFile(path.join(group, 'pair.jpg'));
    const strict = await runPvJson<EnrollJson>(['enroll', 'group', '--faces', 'strict', '--store', 'file:group.pv'], work);
    expect(strict.run.code).toBe(1);
    expect(strict.json.failures.map((f) => [f.code, f.reason])).toEqual([['E_MULTIPLE_FACES', 'several faces']]);
    const all = await runPvJson<EnrollJson>(['enroll', 'group', '--faces', 'all', '--store', 'file:group.pv'], work);
    expect(all.run.code).toBe(0);
    expect(all.json.enrolled).toEqual([expect.objectContaining({ label: 'pair', faces: 2 })]);
  });

  it('a directory where no photo shows a face enrolls nothing and exits 1', async () => {
    const { run, json } = await runPvJson<EnrollJson>(['enroll', 'no-faces', '--store', 'file:none.pv'], work);
    expect(run.code).toBe(1);
    expect(json.failures.map((f) => f.reason)).toEqual(['no face', 'no face']);
    expect(json.storeCount).toBe(0);
  });

  it('a directory without image files is an error (exit 2)', async () => {
    const run = await runPv(['enroll', 'empty-dir', '--store', 'file:none.pv'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/E_NOT_FOUND No image files in empty-dir/u);
  });

  it('a missing path is an error (exit 2)', async () => {
    const run = await runPv(['enroll', 'nowhere'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('No such file or directory: nowhere');
  });
});

describe('usage errors', { timeout: E2E_TIMEOUT_MS }, () => {
  it('an unknown option is an error with a suggestion (exit 2)', async () => {
    const run = await runPv(['enroll', 'mixed', '--lable', 'x'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--lable'");
    expect(run.stderr).toContain('Did you mean --label?');
  });

  it('an unknown command is an error with a suggestion (exit 2)', async () => {
    const run = await runPv(['identfy', 'x.jpg'], work);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean identify?');
  });

  it('every command has --help with an example', async () => {
    for (const command of [['enroll'], ['verify'], ['identify'], ['compare'], ['cluster'], ['eval', 'lfw'], ['models', 'list'], ['store', 'export'], ['demo'], ['serve'], ['analyze'], ['calibrate']]) {
      const run = await runPv([...command, '--help'], work);
      expect(run.code, command.join(' ')).toBe(0);
      expect(run.stdout, command.join(' ')).toMatch(new RegExp(`Usage: pv ${command.join(' ')} `, 'u'));
      expect(run.stdout, command.join(' ')).toMatch(new RegExp(`Examples?:\\n  \\$ pv ${command[0]}`, 'u'));
    }
  });
});
