#!/usr/bin/env node
// @ts-check
/**
 * The root `preinstall` (runs before any dependency build, with nothing installed yet: Node built-ins only).
 *
 * better-sqlite3 and hnswlib-node compile with node-gyp, which needs the C headers of the running Node.
 * Without `npm_config_nodedir` it looks in its own header cache (`~/.cache/node-gyp/<version>/`) and, when
 * that is empty, downloads them. pnpm 12 does not pass npm's `nodedir` setting on, so on a machine without
 * internet access the install failed. This script finds headers of the same version on this machine (the
 * `include/node` folder beside the running `node`, as official tarballs, nvm, Homebrew, NodeSource and
 * Debian's `libnode-dev` lay them out) and puts a link to them in node-gyp's cache, exactly where node-gyp
 * would have unpacked its download. Without local headers it changes nothing and node-gyp downloads them
 * as usual. It never fails the install.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `installVersion` node-gyp 9-12 write beside downloaded headers (older caches are re-downloaded). */
export const DEFAULT_INSTALL_VERSION = 11;

/**
 * node-gyp's header cache folder, as node-gyp computes it (`--devdir`, else env-paths' cache folder).
 * @param {NodeJS.ProcessEnv} env
 * @param {NodeJS.Platform} platform
 * @param {string} home
 */
export function nodeGypDevDir(env, platform, home) {
  if (env.npm_config_devdir) return resolve(env.npm_config_devdir.replace(/^~/, home));
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'node-gyp');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'node-gyp', 'Cache');
  return join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'node-gyp');
}

/**
 * The Node version a header folder (`…/include/node`) declares in `node_version.h`, or undefined.
 * @param {string} includeDir
 */
export function headerVersion(includeDir) {
  const file = join(includeDir, 'node_version.h');
  if (!existsSync(file) || !existsSync(join(includeDir, 'common.gypi'))) return undefined;
  const text = readFileSync(file, 'utf8');
  /** @param {string} part */
  const read = (part) => new RegExp(`#define\\s+NODE_${part}_VERSION\\s+(\\d+)`).exec(text)?.[1];
  const [major, minor, patch] = [read('MAJOR'), read('MINOR'), read('PATCH')];
  return major && minor && patch ? `${major}.${minor}.${patch}` : undefined;
}

/**
 * Folders that may hold `include/node` for the running Node, most specific first.
 * @param {string} execPath the running `node`
 * @param {NodeJS.ProcessEnv} env
 */
export function headerCandidates(execPath, env) {
  const roots = [env.npm_config_nodedir, resolve(dirname(execPath), '..'), '/usr/local', '/usr'];
  return [...new Set(roots.filter((r) => typeof r === 'string' && r !== '').map((r) => join(/** @type {string} */ (r), 'include', 'node')))];
}

/**
 * The first candidate whose headers are those of `version`.
 * @param {string[]} candidates
 * @param {string} version e.g. `20.20.2`
 */
export function findHeaders(candidates, version) {
  return candidates.find((dir) => headerVersion(dir) === version);
}

/**
 * The `installVersion` of the node-gyp that pnpm runs (bundled beside pnpm), else the default.
 * @param {string | undefined} execpath `npm_execpath`: the running package manager
 */
export function nodeGypInstallVersion(execpath) {
  let dir = execpath ? dirname(execpath) : undefined;
  for (let depth = 0; dir && depth < 4; depth++, dir = dirname(dir)) {
    for (const file of [join(dir, 'dist', 'node_modules', 'node-gyp', 'package.json'), join(dir, 'node_modules', 'node-gyp', 'package.json')]) {
      if (!existsSync(file)) continue;
      const found = JSON.parse(readFileSync(file, 'utf8')).installVersion;
      if (typeof found === 'number') return Math.max(found, DEFAULT_INSTALL_VERSION);
    }
  }
  return DEFAULT_INSTALL_VERSION;
}

/**
 * Makes `<devDir>/<version>/include/node` point at `headers`, unless node-gyp's cache already holds a
 * usable copy. Returns what it did.
 * @param {{ devDir: string, version: string, headers: string, installVersion: number }} options
 * @returns {'present' | 'linked'}
 */
export function linkHeaders({ devDir, version, headers, installVersion }) {
  const target = join(devDir, version);
  const include = join(target, 'include', 'node');
  const stampFile = join(target, 'installVersion');
  const stamp = existsSync(stampFile) ? Number.parseInt(readFileSync(stampFile, 'ascii'), 10) || 0 : 0;
  if (stamp >= installVersion && headerVersion(include) === version) return 'present';
  // Anything here is incomplete (no stamp, or headers of another version): node-gyp would replace it too.
  if (existsSync(include) || isLink(include)) rmSync(include, { recursive: true, force: true });
  mkdirSync(dirname(include), { recursive: true });
  symlinkSync(headers, include, 'dir');
  writeFileSync(stampFile, `${installVersion}\n`);
  return 'linked';
}

/** @param {string} path */
function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Runs the preinstall step for this process; prints one line, never throws. */
export function main() {
  try {
    if (process.platform === 'win32') return; // node-gyp also needs node.lib there: leave it to node-gyp.
    if (process.release.name !== 'node') return;
    const version = process.versions.node;
    const nodedir = process.env.npm_config_nodedir;
    if (nodedir && headerVersion(join(nodedir, 'include', 'node')) === version) return; // node-gyp uses it as is
    const headers = findHeaders(headerCandidates(process.execPath, process.env), version);
    const devDir = nodeGypDevDir(process.env, process.platform, homedir());
    if (!headers) {
      const cached = existsSync(join(devDir, version)) ? readdirSync(join(devDir, version)) : [];
      if (!cached.includes('installVersion')) {
        console.log(`pv setup: no local headers of Node ${version}; node-gyp will download them (${process.release.headersUrl ?? 'nodejs.org'}). Offline? Install your Node's headers or set npm_config_nodedir.`);
      }
      return;
    }
    const done = linkHeaders({ devDir, version, headers, installVersion: nodeGypInstallVersion(process.env.npm_execpath) });
    if (done === 'linked') console.log(`pv setup: native addons build against ${headers} (linked into node-gyp's cache ${join(devDir, version)})`);
  } catch (error) {
    console.log(`pv setup: could not prepare Node headers for node-gyp (${error instanceof Error ? error.message : String(error)}); node-gyp will try on its own`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
