import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore } from '@pv/core';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import type { BenchModule } from '../../../scripts/bench-types.js';

/** A folder of links to the first `perPerson` CelebA photos of every identity (the data is never copied). */
async function linkedPeople(sharedDir: string, perPerson: number): Promise<{ dir: string; photos: number }> {
  const source = path.join(sharedDir, 'data', 'celeba-sample');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pv-cli-bench-'));
  let photos = 0;
  for (const person of (await readdir(source)).sort()) {
    await mkdir(path.join(dir, 'people', person), { recursive: true });
    for (const file of (await readdir(path.join(source, person))).sort().slice(0, perPerson)) {
      await symlink(path.join(source, person, file), path.join(dir, 'people', person, file));
      photos++;
    }
  }
  return { dir, photos };
}

/** Wall time of one `pv` run, in milliseconds; throws when it fails. */
function timePv(bin: string, args: readonly string[], cwd: string): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`pv ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const bench: BenchModule = {
  title: 'CLI: enrolling a folder with `pv enroll` (whole process) vs the library call',
  order: 95,
  async run(ctx) {
    const bin = path.join(ctx.repoRoot, 'apps', 'cli', 'dist', 'bin.js');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build the CLI first (npx turbo run build --filter=@pv/cli...)`);
    const { dir, photos } = await linkedPeople(ctx.sharedDir, ctx.quick ? 1 : 8);
    try {
      ctx.log(`${photos} CelebA photos; library first (models loaded once, then timed)`);
      const loadStarted = performance.now();
      const recognizer = await createFaceRecognizer({ store: new MemoryStore() });
      const loadMs = performance.now() - loadStarted;
      const loopStarted = performance.now();
      await recognizer.generateEmbeddings({ directory: path.join(dir, 'people') }, { save: true });
      const libraryMs = performance.now() - loopStarted;
      await recognizer.close();

      const startupMs = timePv(bin, ['--version'], dir);
      const rows: [string, number][] = [
        ['library: `generateEmbeddings` (models already loaded)', libraryMs],
        ['library: model loading + `generateEmbeddings`', loadMs + libraryMs],
      ];
      for (const jobs of [1, 2]) {
        ctx.log(`pv enroll --jobs ${jobs}`);
        rows.push([`\`pv enroll --jobs ${jobs}\` (process start, models, store writes)`, timePv(bin, ['enroll', 'people', '--jobs', String(jobs), '--store', `file:jobs-${jobs}.pv`, '--json'], dir)]);
      }
      const table = rows.map(([what, ms]) => `| ${what} | ${ms.toFixed(0)} | ${((photos * 1000) / ms).toFixed(1)} | ${(ms / libraryMs).toFixed(2)} |`);
      return [
        `${photos} photos (CelebA sample, one face each), one run each. The CLI rows include starting Node, loading the models`,
        'and writing the file store; `--jobs 2` starts two worker threads, each with its own sessions.',
        '',
        '| run | wall ms | photos/s | × library loop |',
        '| --- | ---: | ---: | ---: |',
        ...table,
        '',
        `\`pv --version\` (Node start and the CLI's imports) takes ${startupMs.toFixed(0)} ms.`,
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
