import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseBinDir, pvIn, shimText } from './link-pv.mjs';

const dirs = [];
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'pv-link-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const all = () => true;

describe('chooseBinDir', () => {
  it('takes the first candidate that is on the PATH and writable', () => {
    const choice = chooseBinDir({
      pathDirs: ['/a', '/usr/local/bin', '/usr/bin'],
      candidates: ['/home/u/.local/bin', '/usr/bin', '/usr/local/bin'],
      writable: (d) => d !== '/usr/bin',
      pvAt: () => 'none',
    });
    expect(choice).toEqual({ dir: '/usr/local/bin', shadows: undefined });
  });

  it('never overwrites a foreign pv and only picks folders before it (reporting the shadowed one)', () => {
    const pvAt = (d) => (d === '/usr/bin' ? 'foreign' : 'none');
    const pathDirs = ['/usr/local/bin', '/usr/bin', '/opt/node/bin'];
    expect(chooseBinDir({ pathDirs, candidates: ['/usr/bin', '/opt/node/bin', '/usr/local/bin'], writable: all, pvAt })).toEqual({
      dir: '/usr/local/bin',
      shadows: '/usr/bin/pv',
    });
    expect(chooseBinDir({ pathDirs, candidates: ['/usr/bin', '/opt/node/bin'], writable: all, pvAt })).toEqual({ blockedBy: '/usr/bin/pv' });
  });

  it('replaces its own shim, but not one that a later folder would hide behind', () => {
    const pvAt = (d) => (d === '/usr/bin' ? 'ours' : 'none');
    expect(chooseBinDir({ pathDirs: ['/usr/bin', '/x'], candidates: ['/x', '/usr/bin'], writable: all, pvAt })).toEqual({ dir: '/usr/bin', shadows: undefined });
    expect(chooseBinDir({ pathDirs: ['/x', '/usr/bin'], candidates: ['/x', '/usr/bin'], writable: all, pvAt })).toEqual({ dir: '/x', shadows: undefined });
  });

  it('links nothing when no candidate is on the PATH', () => {
    expect(chooseBinDir({ pathDirs: ['/usr/bin'], candidates: ['/home/u/.local/bin'], writable: all, pvAt: () => 'none' })).toEqual({ blockedBy: undefined });
  });
});

describe('the shim', () => {
  it('runs the CLI with its arguments, is recognised as ours, and says when the CLI is not built', () => {
    const repo = scratch();
    const bin = join(scratch(), 'bin');
    mkdirSync(bin);
    const binJs = join(repo, "it's", 'bin.js');
    writeFileSync(join(bin, 'pv'), shimText(binJs, repo), { mode: 0o755 });
    expect(pvIn(bin)).toBe('ours');
    const missing = spawnSync(join(bin, 'pv'), ['x'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('pnpm build');
    mkdirSync(join(repo, "it's"));
    writeFileSync(binJs, 'console.log(JSON.stringify(process.argv.slice(2)));\n');
    expect(JSON.parse(execFileSync(join(bin, 'pv'), ['enroll', 'a b/'], { encoding: 'utf8' }))).toEqual(['enroll', 'a b/']);
  });

  it('treats any other pv as foreign', () => {
    const bin = scratch();
    writeFileSync(join(bin, 'pv'), '#!/bin/sh\necho pipe viewer\n');
    chmodSync(join(bin, 'pv'), 0o755);
    expect(pvIn(bin)).toBe('foreign');
    expect(pvIn(scratch())).toBe('none');
  });
});
