// Runs the built `pv` binary as a user would, for the end-to-end tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository root. */
export const repoRoot = path.resolve(appRoot, '../..');
/** The shared, read-only test data. */
export const sharedData = path.resolve(repoRoot, '../shared/data');
/** The CLI as `pnpm test` builds it. */
export const pvBin = path.join(appRoot, 'dist', 'bin.js');

/**
 * Time limit of an end-to-end test: each spawns `pv` several times, and each run loads the models, on CPUs
 * that `pnpm test` shares with every other test file.
 */
export const E2E_TIMEOUT_MS = 240_000;

/** What a finished `pv` run left behind. */
export interface PvRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Fails (never skips) when the binary is missing or older than the CLI sources, naming the build command:
 * an end-to-end test of stale code proves nothing.
 */
export function assertBuilt(): void {
  const build = 'npx turbo run build --filter=@pv/cli... (pnpm test builds first)';
  if (!existsSync(pvBin)) throw new Error(`${pvBin} is missing: build the CLI first with ${build}`);
  const built = statSync(pvBin).mtimeMs;
  const sources = readdirSync(path.join(appRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.fixture.ts'),
  );
  const newer = sources.filter((f) => statSync(path.join(appRoot, 'src', f)).mtimeMs > built);
  if (newer.length > 0) throw new Error(`apps/cli/dist is older than ${newer.join(', ')}: rebuild with ${build}`);
}

/**
 * The environment of a run: no colours, no inherited settings, and pv's data folder (the default store) and
 * config file inside the run's working directory, so runs never touch the user's own.
 */
function environment(cwd: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', PV_HOME: cwd, PV_CONFIG_DIR: `${cwd}/pv-config`, ...extra };
  for (const key of ['PV_STORE', 'PV_MODEL', 'PV_DETECTOR', 'PV_METRIC', 'PV_THRESHOLD', 'PV_CONFIG', 'PV_STORE_KEY', 'PV_STORE_KEY_FILE', 'PV_AUDIT', 'PV_AUDIT_TRAIL']) if (!(key in extra)) delete env[key];
  return env;
}

/** Starts `pv args…` in `cwd`. */
export function startPv(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [pvBin, ...args], { cwd, env: environment(cwd, env) });
}

/** Runs `pv args…` in `cwd` to the end. */
export function runPv(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<PvRun> {
  return finished(startPv(args, cwd, env));
}

/** Collects a started process's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<PvRun> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `pv args… --json` and parses its standard output. */
export async function runPvJson<T>(args: readonly string[], cwd: string): Promise<{ run: PvRun; json: T }> {
  const run = await runPv([...args, '--json'], cwd);
  try {
    return { run, json: JSON.parse(run.stdout) as T };
  } catch {
    throw new Error(`pv ${args.join(' ')} --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** A fresh temporary working directory. */
export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `pv-cli-${prefix}-`));
}

/** The CelebA sample photos of one identity, sorted. */
export async function celebaPhotos(identity: string): Promise<string[]> {
  const dir = path.join(sharedData, 'celeba-sample', identity);
  return (await readdir(dir)).sort().map((f) => path.join(dir, f));
}

/**
 * Builds `<dir>/<label>/<photo>` out of symbolic links to shared photos (the data is never copied), one
 * subfolder per label.
 */
export async function linkPhotos(dir: string, photosByLabel: Readonly<Record<string, readonly string[]>>): Promise<void> {
  for (const [label, photos] of Object.entries(photosByLabel)) {
    await mkdir(path.join(dir, label), { recursive: true });
    for (const photo of photos) await symlink(photo, path.join(dir, label, path.basename(photo)));
  }
}
