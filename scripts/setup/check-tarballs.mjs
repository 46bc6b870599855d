#!/usr/bin/env node
// @ts-check
/**
 * Checks the tarballs `pnpm -r pack` wrote (`node scripts/setup/check-tarballs.mjs DIR`): each manifest has
 * no `workspace:` ranges and no `pv-source` condition, every `exports`/`types`/`main`/`bin` target is a file
 * in the tarball and none is TypeScript source, and a README is inside. Prints one line per package and
 * exits 1 on any problem. Used by .ci/pack-check.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every file path a manifest points at (exports leaves, types, main, bin), with where it was found.
 * @param {Record<string, unknown>} manifest
 * @returns {{ where: string, file: string }[]}
 */
export function entryPoints(manifest) {
  /** @type {{ where: string, file: string }[]} */
  const found = [];
  /** @param {unknown} value @param {string} where */
  const walk = (value, where) => {
    if (typeof value === 'string') found.push({ where, file: value });
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, `${where}.${k}`);
  };
  walk(manifest.exports, 'exports');
  for (const key of ['types', 'typings', 'main', 'module']) walk(manifest[key], key);
  walk(typeof manifest.bin === 'string' ? { [String(manifest.name)]: manifest.bin } : manifest.bin, 'bin');
  return found;
}

/**
 * The problems of one packed manifest, given the files in its tarball (paths without `package/`).
 * @param {Record<string, unknown>} manifest
 * @param {Set<string>} files
 * @returns {string[]}
 */
export function manifestProblems(manifest, files) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(/** @type {Record<string, string>} */ (manifest[field] ?? {}))) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${name} is still "${range}"`);
    }
  }
  if (JSON.stringify(manifest.exports ?? {}).includes('"pv-source"')) problems.push('exports still has the pv-source condition');
  for (const { where, file } of entryPoints(manifest)) {
    if (file.includes('*')) continue; // a pattern export (e.g. ./dist-browser/*): its folder is checked by `files`
    const path = file.replace(/^\.\//u, '');
    if (!files.has(path)) problems.push(`${where} → ${file} is not in the tarball`);
    else if (/\.(c|m)?ts$/u.test(path) && !/\.d\.(c|m)?ts$/u.test(path)) problems.push(`${where} → ${file} is TypeScript source`);
  }
  if (![...files].some((f) => /^readme(\.md)?$/iu.test(f))) problems.push('no README in the tarball');
  if (!manifest.license) problems.push('no license field');
  return problems;
}

/** Checks every `*.tgz` in the folder given on the command line. */
function main() {
  const dir = resolve(process.argv[2] ?? '.');
  const tarballs = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length === 0) throw new Error(`no tarballs in ${dir}`);
  let failed = 0;
  for (const tarball of tarballs) {
    const file = join(dir, tarball);
    const files = new Set(execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//u, '')));
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }));
    const problems = manifestProblems(manifest, files);
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${manifest.name}@${manifest.version} (${files.size} files)${problems.map((p) => `\n     ${p}`).join('')}`);
    if (problems.length > 0) failed++;
  }
  if (failed > 0) {
    console.log(`${failed} of ${tarballs.length} tarballs are not publish-ready`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
