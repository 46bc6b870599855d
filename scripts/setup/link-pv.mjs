#!/usr/bin/env node
// @ts-check
/**
 * The root `postinstall`: puts a `pv` command on the PATH that runs this checkout's CLI
 * (`apps/cli/dist/bin.js`), so every hint the CLI prints (`pv enroll …`) runs as printed.
 *
 * It writes a two-line shell script named `pv` into the first of these folders that is on the PATH and
 * writable: `$PV_BIN_DIR` (if set; `off` links nothing), `~/.local/bin`, npm's global bin folder (where
 * `npm i -g pnpm` put pnpm), the folder of the running `node`, `/usr/local/bin`. The folder must come before
 * any other `pv` on the PATH (Debian's pipe viewer is also called `pv`); that program is never touched,
 * only shadowed, and the script says so. A `pv` this script wrote for another checkout is replaced.
 * `node scripts/setup/link-pv.mjs --remove` deletes it again. It never fails the install.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The line that marks a `pv` written by this script. */
export const MARKER = '# pv-shim: written by scripts/setup/link-pv.mjs';

/**
 * The shim: runs the checkout's CLI with the `node` on the PATH (the one its native addons were built for).
 * @param {string} binJs absolute path of apps/cli/dist/bin.js
 * @param {string} repo the checkout
 */
export function shimText(binJs, repo) {
  const quoted = (/** @type {string} */ s) => `'${s.replaceAll("'", `'\\''`)}'`;
  return [
    '#!/bin/sh',
    `${MARKER} for ${repo} (delete this file, or run that script with --remove, to undo)`,
    `[ -f ${quoted(binJs)} ] || { echo "pv: not built yet: run 'pnpm build' in ${repo.replaceAll('"', '')}" >&2; exit 2; }`,
    `exec node ${quoted(binJs)} "$@"`,
    '',
  ].join('\n');
}

/**
 * What kind of `pv` a folder holds.
 * @param {string} dir
 * @returns {'none' | 'ours' | 'foreign'}
 */
export function pvIn(dir) {
  const file = join(dir, 'pv');
  if (!existsSync(file)) return 'none';
  try {
    if (!statSync(file).isFile()) return 'foreign';
    return readFileSync(file, 'utf8').slice(0, 400).includes(MARKER) ? 'ours' : 'foreign';
  } catch {
    return 'foreign';
  }
}

/**
 * Picks the folder for the shim: the first candidate that is on the PATH, writable, holds no foreign `pv`,
 * and comes before every other folder holding a `pv` on the PATH (so `pv` resolves to it).
 * @param {{ pathDirs: string[], candidates: string[], writable: (dir: string) => boolean, pvAt: (dir: string) => 'none' | 'ours' | 'foreign' }} input
 * @returns {{ dir?: string, shadows?: string, blockedBy?: string }}
 */
export function chooseBinDir({ pathDirs, candidates, writable, pvAt }) {
  const onPath = pathDirs.map((d) => resolve(d));
  const firstPv = onPath.findIndex((d) => pvAt(d) !== 'none');
  const firstForeign = onPath.findIndex((d) => pvAt(d) === 'foreign');
  for (const candidate of candidates.map((d) => resolve(d))) {
    const index = onPath.indexOf(candidate);
    if (index < 0 || !writable(candidate) || pvAt(candidate) === 'foreign') continue;
    if (firstPv >= 0 && firstPv < index) continue;
    return { dir: candidate, shadows: firstForeign > index ? join(onPath[firstForeign], 'pv') : undefined };
  }
  return { blockedBy: firstForeign >= 0 ? join(onPath[firstForeign], 'pv') : undefined };
}

/** @param {string} dir */
function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** npm's global bin folder, or undefined (npm missing or slow). */
function npmGlobalBin() {
  if (process.env.npm_config_prefix) return join(process.env.npm_config_prefix, 'bin');
  try {
    const prefix = execFileSync('npm', ['prefix', '-g'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return prefix ? join(prefix, 'bin') : undefined;
  } catch {
    return undefined;
  }
}

/** Links (or with `--remove` unlinks) `pv` for this checkout; prints one line, never throws. */
export function main() {
  try {
    const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const binJs = join(repo, 'apps', 'cli', 'dist', 'bin.js');
    const pathDirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
    if (process.argv.includes('--remove')) {
      for (const dir of pathDirs) {
        if (pvIn(dir) === 'ours' && readFileSync(join(dir, 'pv'), 'utf8').includes(`for ${repo} `)) {
          rmSync(join(dir, 'pv'));
          console.log(`pv setup: removed ${join(dir, 'pv')}`);
        }
      }
      return;
    }
    if (process.platform === 'win32') {
      console.log('pv setup: on Windows run the CLI as `pnpm pv …` from the checkout');
      return;
    }
    const wanted = process.env.PV_BIN_DIR;
    if (wanted === 'off') return;
    const candidates = wanted ? [wanted] : [join(homedir(), '.local', 'bin'), npmGlobalBin(), dirname(process.execPath), '/usr/local/bin'].filter((d) => d !== undefined);
    const choice = chooseBinDir({ pathDirs, candidates, writable, pvAt: pvIn });
    if (!choice.dir) {
      const why = choice.blockedBy ? `${choice.blockedBy} (another program) comes first on your PATH` : 'none of these folders is on your PATH and writable';
      console.log(`pv setup: did not put \`pv\` on the PATH: ${why} (tried ${candidates.join(', ')}). Set PV_BIN_DIR to a folder on your PATH and run \`pnpm install\` again, or use \`pnpm pv …\` in the checkout.`);
      return;
    }
    const target = join(choice.dir, 'pv');
    const text = shimText(binJs, repo);
    if (existsSync(target) && readFileSync(target, 'utf8') === text) return;
    writeFileSync(target, text, { mode: 0o755 });
    console.log(`pv setup: \`pv\` runs this checkout's CLI (${target})`);
    if (choice.shadows) console.log(`pv setup: note: ${choice.shadows} (another program called pv, e.g. the pipe viewer) is shadowed; run it by its full path, or \`node scripts/setup/link-pv.mjs --remove\` to undo`);
  } catch (error) {
    console.log(`pv setup: could not put \`pv\` on the PATH (${error instanceof Error ? error.message : String(error)}); use \`pnpm pv …\` in the checkout`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
