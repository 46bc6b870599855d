import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPvError } from '@pv/core';
import { listImageFiles, scanImageFiles, type ImageFileScan } from './image-files.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('listImageFiles', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pv-image-files-'));
    mkdirSync(path.join(dir, 'bob', 'deeper'), { recursive: true });
    mkdirSync(path.join(dir, '.cache'));
    for (const name of ['a.jpg', 'B.PNG', 'c.gif', '.hidden.jpg', 'notes.txt', 'old.bmp', 'bob/1.webp', 'bob/2.AVIF', 'bob/deeper/3.jpg', '.cache/4.jpg']) {
      writeFileSync(path.join(dir, name), '');
    }
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists images of the directory and its direct subdirectories, sorted, with relative paths', async () => {
    const entries = await listImageFiles(dir);
    expect(entries.map((e) => e.relativePath)).toEqual(['B.PNG', 'a.jpg', 'bob/1.webp', 'bob/2.AVIF', 'c.gif']);
    expect(entries[2]?.path).toBe(path.join(dir, 'bob', '1.webp'));
  });

  it('says why every other entry is left out', async () => {
    const { skipped } = await scanImageFiles(dir);
    expect(skipped.map((s) => [s.relativePath, s.reason])).toEqual([
      ['.cache', 'hidden'],
      ['.hidden.jpg', 'hidden'],
      ['bob/deeper', 'too-deep'],
      ['notes.txt', 'not-an-image'],
      ['old.bmp', 'not-an-image'],
    ]);
  });

  it('refuses a missing directory (E_NOT_FOUND), a file and a bad size cap (E_INVALID_ARGUMENT)', async () => {
    for (const [call, code] of [
      [() => listImageFiles(path.join(dir, 'nope')), 'E_NOT_FOUND'],
      [() => listImageFiles(path.join(dir, 'a.jpg')), 'E_INVALID_ARGUMENT'],
      [() => scanImageFiles(dir, { maxFileBytes: 0 }), 'E_INVALID_ARGUMENT'],
    ] as const) {
      let caught: unknown;
      try {
        await call();
      } catch (error) {
        caught = error;
      }
      expect(isPvError(caught, code)).toBe(true);
    }
  });
});

describe('scanImageFiles with hostile folders', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pv-image-scan-'));
    mkdirSync(path.join(dir, 'alice'));
    mkdirSync(path.join(dir, 'locked'));
    writeFileSync(path.join(dir, 'alice', '1.jpg'), 'x');
    writeFileSync(path.join(dir, 'alice', 'big.jpg'), Buffer.alloc(2000));
    writeFileSync(path.join(dir, 'locked', 'secret.jpg'), 'x');
    // A name that is not UTF-8 (Latin-1 "é"), a dangling link, links to a folder above, a link to itself,
    // a FIFO and a device dressed as images.
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/alice/caf`), Buffer.from([0xe9]), Buffer.from('.jpg')]), 'x');
    symlinkSync(path.join(dir, 'gone.jpg'), path.join(dir, 'alice', 'dangling.jpg'));
    symlinkSync(dir, path.join(dir, 'loop'));
    symlinkSync('..', path.join(dir, 'alice', 'up'));
    symlinkSync(path.join(dir, 'self.jpg'), path.join(dir, 'self.jpg'));
    execFileSync('mkfifo', [path.join(dir, 'alice', 'pipe.jpg')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.jpg'));
    chmodSync(path.join(dir, 'locked'), 0o000);
  });

  afterAll(() => {
    chmodSync(path.join(dir, 'locked'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The scan in a process without root's capabilities (root reads any folder), so that `locked` is
   * unreadable: as root, through util-linux's `setpriv` with every capability dropped (still uid 0, so the
   * checkout stays readable wherever it is).
   */
  function scanWithoutRoot(): ImageFileScan {
    const node = [process.execPath, '--conditions=pv-source', '--import', 'tsx', path.join(here, 'scan-child.fixture.ts'), dir];
    const asRoot = process.getuid?.() === 0;
    const [command, ...args] = asRoot ? ['setpriv', '--inh-caps=-all', '--bounding-set=-all', ...node] : node;
    const child = spawnSync(command as string, args, { cwd: here, encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout) as ImageFileScan;
  }

  it('lists the readable images and every other entry with its reason, without stopping at the unreadable folder', { timeout: 60_000 }, () => {
    const { files, skipped } = scanWithoutRoot();
    expect(files.map((f) => f.relativePath)).toEqual(['alice/1.jpg', 'alice/big.jpg']);
    expect(skipped.map((s) => [s.relativePath, s.reason])).toEqual([
      ['alice/caf\\xe9.jpg', 'non-utf8-name'],
      ['alice/dangling.jpg', 'dangling-symlink'],
      ['alice/pipe.jpg', 'not-a-regular-file'],
      ['alice/up', 'symlink-loop'],
      ['locked', 'unreadable'],
      ['loop', 'symlink-loop'],
      ['self.jpg', 'symlink-loop'],
      ['zero.jpg', 'not-a-regular-file'],
    ]);
    expect(skipped.find((s) => s.relativePath === 'locked')?.detail).toBe('EACCES');
  });

  it('skips files over the size cap as too-large', async () => {
    const { files, skipped } = await scanImageFiles(dir, { maxFileBytes: 1000 });
    expect(files.map((f) => f.relativePath)).not.toContain('alice/big.jpg');
    expect(skipped.find((s) => s.relativePath === 'alice/big.jpg')).toMatchObject({ reason: 'too-large', detail: '2000 bytes, over the 1000-byte cap' });
  });
});
