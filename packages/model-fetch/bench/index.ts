import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelCatalog, mobilefacenet, type ModelEntry } from '@pv/models';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { medianMs } from '../../../scripts/bench-timing.js';
import { ensureModelFile } from '../src/index.js';

/**
 * What a cache hit costs: `ensureModelFile` re-verifies size and SHA-256 of the cached file every time.
 * Compared with a bare `stat` (what an mtime/size stamp would cost instead) for files the size of the
 * built-in models and of a FaceNet Inception-ResNet-v1 (~90 MB). Synthetic files, no network.
 */
const bench: BenchModule = {
  title: 'Model cache: verification cost of a cache hit',
  order: 90,
  async run(ctx) {
    const sizes: [string, number][] = [
      ['landmarks68 (1.2 MB)', 1_163_742],
      ['mobilefacenet (4.9 MB)', 4_884_269],
      ['FaceNet-sized (90 MB)', ctx.quick ? 0 : 90_000_000],
    ];
    const runs = ctx.quick ? 3 : 15;
    const dir = await mkdtemp(join(tmpdir(), 'pv-bench-models-'));
    const rows: string[] = [];
    try {
      for (const [label, size] of sizes) {
        if (size === 0) continue;
        const content = randomBytes(size);
        const file = join(dir, `${size}.onnx`);
        await writeFile(file, content);
        const entry: ModelEntry = {
          ...mobilefacenet,
          id: `bench-${size}`,
          source: { kind: 'local', file, sha256: createHash('sha256').update(content).digest('hex'), size },
        };
        const catalog = new ModelCatalog([entry]);
        ctx.log(`${label}: ${runs} runs`);
        const verified = await medianMs(runs, () => ensureModelFile(entry.id, { cacheDir: dir, catalog }));
        const statOnly = await medianMs(runs, () => stat(file));
        const mbPerSecond = size / 1e6 / (verified / 1000);
        rows.push(
          `| ${label} | ${verified.toFixed(2)} | ${mbPerSecond.toFixed(0)} | ${statOnly.toFixed(3)} | ${(verified / statOnly).toFixed(0)}x |`,
        );
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return [
      `Median of ${runs} warm runs (file in the page cache).`,
      '',
      '| file | ensureModelFile, full check (ms) | hash speed (MB/s) | stat only (ms) | full / stat |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      'A full check of the three built-in models costs about the sum of their rows (7.3 MB of hashing), once',
      'per process and model; creating their onnxruntime sessions took about 20-25 ms on the development',
      'machine. At that price the cache hashes on every hit rather than trusting an mtime/size stamp, which a',
      'same-size, same-mtime corruption would fool. The 90 MB row shows what a large imported model costs.',
    ].join('\n');
  },
};

export default bench;
