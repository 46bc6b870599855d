// `pnpm bench --only pipeline-node`: the worker pool of openFaceEncoder, 2 workers against 1, for RFB-320 and
// MTCNN, with the settings that could decide the ratio; and in-thread against a pool of one, per photo.
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FaceEncoder } from '@pv/core';
import { modelsCacheDir, prefetchDefaultModels } from '@pv/model-fetch';
import { importMtcnn } from '@pv/mtcnn';
import sharp from 'sharp';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { median } from '../../../scripts/bench-timing.js';
import { lfwFiles } from '../../embedder-onnx-node/bench/lfw-timing.js';
import { openFaceEncoder, openFaceEncoderPool, type FaceEncoderSpec } from '../src/index.js';

/** CPU seconds this process (all its threads) used, per wall-clock second, over the last `timed` call. */
let lastCoresUsed = 0;

/** Seconds to encode every file (all faces must be found: a failure makes the figure meaningless). */
async function secondsFor(encoder: FaceEncoder, files: readonly string[]): Promise<number> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let failed = 0;
  for await (const result of encoder.encodeMany(files)) if (!result.ok) failed++;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  lastCoresUsed = (used.user + used.system) / 1e6 / seconds;
  if (failed > files.length / 10) throw new Error(`${failed} of ${files.length} benchmark photos failed`);
  return seconds;
}

const load = (): string => os.loadavg()[0]?.toFixed(1) ?? '?';

interface PairResult {
  readonly label: string;
  readonly one: number;
  readonly two: number;
  readonly ratios: number[];
  readonly loads: string[];
  /** Cores the process got (CPU seconds per second) with 1 and with 2 workers, per round. */
  readonly cores: [number, number][];
}

/**
 * Photos per second of a pool of 1 and a pool of 2 on the same files, alternating 1, 2, 1, 2, … for
 * `rounds` rounds (both pools open the whole time, so start-up is not timed and both see the same load).
 */
async function pair(label: string, spec: FaceEncoderSpec, files: readonly string[], rounds: number, log: (m: string) => void): Promise<PairResult> {
  const one = await openFaceEncoderPool({ ...spec, threads: 1 });
  const two = await openFaceEncoderPool({ ...spec, threads: 2 });
  try {
    await secondsFor(one, files.slice(0, 4));
    await secondsFor(two, files.slice(0, 4));
    const rates: [number[], number[]] = [[], []];
    const ratios: number[] = [];
    const loads: string[] = [];
    const cores: [number, number][] = [];
    for (let round = 0; round < rounds; round++) {
      loads.push(load());
      const a = files.length / (await secondsFor(one, files));
      const coresOne = lastCoresUsed;
      const b = files.length / (await secondsFor(two, files));
      cores.push([coresOne, lastCoresUsed]);
      rates[0].push(a);
      rates[1].push(b);
      ratios.push(b / a);
      log(
        `${label} round ${round + 1}: 1 worker ${a.toFixed(1)}/s on ${coresOne.toFixed(2)} cores, ` +
          `2 workers ${b.toFixed(1)}/s on ${lastCoresUsed.toFixed(2)} cores (${(b / a).toFixed(2)}x), load ${loads.at(-1)}`,
      );
    }
    return { label, one: median(rates[0]), two: median(rates[1]), ratios, loads, cores };
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
}

/** Milliseconds per photo, in-thread and on a pool of one worker, alternating for `rounds` rounds. */
async function hop(spec: FaceEncoderSpec, files: readonly string[], rounds: number): Promise<{ local: number; pool: number }> {
  const local = await openFaceEncoder({ ...spec, threads: 1 });
  const pool = await openFaceEncoderPool({ ...spec, threads: 1 });
  try {
    await secondsFor(local, files.slice(0, 4));
    await secondsFor(pool, files.slice(0, 4));
    const times: [number[], number[]] = [[], []];
    for (let round = 0; round < rounds; round++) {
      times[0].push((1000 * (await secondsFor(local, files))) / files.length);
      times[1].push((1000 * (await secondsFor(pool, files))) / files.length);
    }
    return { local: median(times[0]), pool: median(times[1]) };
  } finally {
    await Promise.all([local.close(), pool.close()]);
  }
}

const bench: BenchModule = {
  title: 'Worker pool of openFaceEncoder (@pv/pipeline-node): 2 workers vs 1, RFB-320 and MTCNN',
  order: 41,
  async run(ctx) {
    const rounds = ctx.quick ? 1 : 3;
    const rfbFiles = await lfwFiles(ctx.sharedDir, ctx.quick ? 12 : 200);
    const mtcnnFiles = rfbFiles.slice(0, ctx.quick ? 8 : 60);
    // MTCNN imported from facenet-pytorch's weights into a temporary cache beside the default models.
    await prefetchDefaultModels();
    const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'pv-bench-pipeline-'));
    const sharpDefault = sharp.concurrency();
    try {
      for (const id of ['rfb320', 'landmarks68', 'mobilefacenet']) await symlink(path.join(modelsCacheDir(), id), path.join(cacheDir, id));
      await importMtcnn({ directory: path.join(ctx.sharedDir, 'data', 'facenet-pytorch'), modelsDir: cacheDir });
      const base: FaceEncoderSpec = { cacheDir };
      const results: PairResult[] = [];
      results.push(await pair(`RFB-320, defaults (sharp concurrency ${sharpDefault})`, base, rfbFiles, rounds, ctx.log));
      // libvips' thread count is process-wide (a worker's sharp shares it); its default is 1 on glibc Linux
      // without jemalloc, the number of cores elsewhere.
      sharp.concurrency(os.cpus().length);
      results.push(await pair(`RFB-320, sharp concurrency ${os.cpus().length}`, base, rfbFiles, rounds, ctx.log));
      sharp.concurrency(sharpDefault);
      results.push(
        await pair('RFB-320, 2 onnxruntime threads per session, spinning', { ...base, session: { intraOpNumThreads: 2, allowSpinning: true } }, rfbFiles, rounds, ctx.log),
      );
      results.push(await pair(`MTCNN, defaults (sharp concurrency ${sharpDefault})`, { ...base, detector: 'mtcnn' }, mtcnnFiles, rounds, ctx.log));
      const rfbHop = await hop(base, rfbFiles.slice(0, ctx.quick ? 8 : 100), rounds);
      const mtcnnHop = await hop({ ...base, detector: 'mtcnn' }, mtcnnFiles.slice(0, ctx.quick ? 4 : 30), rounds);
      ctx.log('done');

      const range = (values: readonly number[]): string => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
      return [
        `${rfbFiles.length} LFW fold-1 photos (250x250 JPEG; decode included) for RFB-320, the first ${mtcnnFiles.length} for MTCNN;`,
        'MobileFaceNet embeddings, face policy `largest`. Each row opens a pool of 1 and a pool of 2 workers and then',
        `alternates them for ${rounds} rounds over the same files, so both see the same machine load; medians of the rounds.`,
        '',
        '| setting | 1 worker (photos/s) | 2 workers (photos/s) | 2 vs 1 (median) | per round | cores got, 1 → 2 workers, per round | 1-min load per round |',
        '| --- | ---: | ---: | ---: | ---: | --- | --- |',
        ...results.map(
          (r) =>
            `| ${r.label} | ${r.one.toFixed(1)} | ${r.two.toFixed(1)} | ${(r.two / r.one).toFixed(2)} | ${range(r.ratios)} | ` +
            `${r.cores.map(([a, b]) => `${a.toFixed(2)} → ${b.toFixed(2)}`).join(', ')} | ${r.loads.join(', ')} |`,
        ),
        '',
        '| per photo | in this thread (ms) | pool of 1 worker (ms) | pool overhead |',
        '| --- | ---: | ---: | ---: |',
        `| RFB-320 | ${rfbHop.local.toFixed(2)} | ${rfbHop.pool.toFixed(2)} | ${(rfbHop.pool - rfbHop.local).toFixed(2)} ms |`,
        `| MTCNN | ${mtcnnHop.local.toFixed(2)} | ${mtcnnHop.pool.toFixed(2)} | ${(mtcnnHop.pool - mtcnnHop.local).toFixed(2)} ms |`,
        '',
        `The machine has ${os.cpus().length} cores. "Cores got" is the CPU time all threads of this process used per second of`,
        'wall time (`process.cpuUsage()`): two workers can only approach 2x when the process gets two cores, and the 1-minute',
        'load average per round says how many other runnable processes competed (other sessions shared the machine).',
      ].join('\n');
    } finally {
      sharp.concurrency(sharpDefault);
      await rm(cacheDir, { recursive: true, force: true });
    }
  },
};

export default bench;
