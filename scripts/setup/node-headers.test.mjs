import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findHeaders, headerCandidates, headerVersion, linkHeaders, nodeGypDevDir, nodeGypInstallVersion } from './node-headers.mjs';

const dirs = [];
function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'pv-headers-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fake `<root>/include/node` holding headers of `version`. */
function fakeHeaders(root, version) {
  const include = join(root, 'include', 'node');
  mkdirSync(include, { recursive: true });
  const [major, minor, patch] = version.split('.');
  writeFileSync(join(include, 'node_version.h'), `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`);
  writeFileSync(join(include, 'common.gypi'), '{}\n');
  return include;
}

describe('nodeGypDevDir', () => {
  it('follows node-gyp: --devdir, then XDG_CACHE_HOME, then ~/.cache (Linux)', () => {
    expect(nodeGypDevDir({ npm_config_devdir: '~/gyp' }, 'linux', '/home/a')).toBe('/home/a/gyp');
    expect(nodeGypDevDir({ XDG_CACHE_HOME: '/c' }, 'linux', '/home/a')).toBe('/c/node-gyp');
    expect(nodeGypDevDir({}, 'linux', '/home/a')).toBe('/home/a/.cache/node-gyp');
    expect(nodeGypDevDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Caches/node-gyp');
  });
});

describe('finding headers', () => {
  it('reads the version from node_version.h and needs common.gypi', () => {
    const root = scratch();
    const include = fakeHeaders(root, '20.20.2');
    expect(headerVersion(include)).toBe('20.20.2');
    rmSync(join(include, 'common.gypi'));
    expect(headerVersion(include)).toBeUndefined();
  });

  it('takes only headers of the running version, npm_config_nodedir first, then beside node', () => {
    const other = scratch();
    const beside = scratch();
    fakeHeaders(other, '22.1.0');
    const good = fakeHeaders(beside, '20.20.2');
    const candidates = headerCandidates(join(beside, 'bin', 'node'), { npm_config_nodedir: other });
    expect(candidates.slice(0, 2)).toEqual([join(other, 'include', 'node'), good]);
    expect(findHeaders(candidates.slice(0, 2), '20.20.2')).toBe(good);
    expect(findHeaders(candidates.slice(0, 2), '18.0.0')).toBeUndefined();
  });

  it('reads installVersion from the node-gyp bundled beside pnpm', () => {
    const root = scratch();
    mkdirSync(join(root, 'dist', 'node_modules', 'node-gyp'), { recursive: true });
    writeFileSync(join(root, 'dist', 'node_modules', 'node-gyp', 'package.json'), JSON.stringify({ installVersion: 12 }));
    expect(nodeGypInstallVersion(join(root, 'pnpm'))).toBe(12);
    expect(nodeGypInstallVersion(join(scratch(), 'bin', 'pnpm'))).toBe(11);
    expect(nodeGypInstallVersion(undefined)).toBe(11);
  });
});

describe('linkHeaders', () => {
  it('links the headers where node-gyp unpacks its download, stamps installVersion, then leaves it alone', () => {
    const headers = fakeHeaders(scratch(), '20.20.2');
    const devDir = join(scratch(), 'node-gyp');
    expect(linkHeaders({ devDir, version: '20.20.2', headers, installVersion: 11 })).toBe('linked');
    const include = join(devDir, '20.20.2', 'include', 'node');
    expect(readlinkSync(include)).toBe(headers);
    expect(readFileSync(join(devDir, '20.20.2', 'installVersion'), 'ascii').trim()).toBe('11');
    expect(headerVersion(include)).toBe('20.20.2');
    expect(linkHeaders({ devDir, version: '20.20.2', headers, installVersion: 11 })).toBe('present');
  });

  it('replaces an incomplete cache entry (no stamp) but keeps a complete download', () => {
    const headers = fakeHeaders(scratch(), '20.20.2');
    const devDir = join(scratch(), 'node-gyp');
    const half = join(devDir, '20.20.2', 'include', 'node');
    mkdirSync(half, { recursive: true });
    writeFileSync(join(half, 'node.h'), '');
    expect(linkHeaders({ devDir, version: '20.20.2', headers, installVersion: 11 })).toBe('linked');
    expect(lstatSync(half).isSymbolicLink()).toBe(true);

    const downloaded = join(scratch(), 'node-gyp');
    fakeHeaders(join(downloaded, '20.20.2'), '20.20.2');
    writeFileSync(join(downloaded, '20.20.2', 'installVersion'), '11\n');
    expect(linkHeaders({ devDir: downloaded, version: '20.20.2', headers, installVersion: 11 })).toBe('present');
    expect(lstatSync(join(downloaded, '20.20.2', 'include', 'node')).isSymbolicLink()).toBe(false);
  });
});
