import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FaceDetector, RgbImage } from '@pv/core';
import { createImageLoader, Rfb320Detector } from '@pv/embedder-onnx-node';
import { ModelCatalog } from '@pv/models';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { importMtcnn, MtcnnDetector } from '../src/index.js';
import { lfwFold1Images } from '../src/testing/shared-data.fixture.js';

/** Per-image wall times (ms) of `detector.detect` over `images`, `rounds` times each, after one warm-up call. */
async function detectTimes(detector: FaceDetector, images: readonly RgbImage[], rounds: number): Promise<number[]> {
  await detector.detect(images[0] as RgbImage);
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const image of images) {
      const started = performance.now();
      await detector.detect(image);
      times.push(performance.now() - started);
    }
  }
  return times;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * MTCNN (three networks, image pyramid, JavaScript pooling and NMS) against the default RFB-320 detector
 * (one network at 320x240, plus the 68-point landmark model per face), both through `FaceDetector.detect`
 * with one onnxruntime thread per session, on LFW photos (250x250, one face) and on multiface.jpg
 * (1200x630, six faces).
 */
const bench: BenchModule = {
  title: 'MTCNN detection speed vs RFB-320',
  order: 40,
  async run({ quick, sharedDir, log }) {
    const work = await mkdtemp(path.join(tmpdir(), 'pv-mtcnn-bench-'));
    const catalog = new ModelCatalog();
    const facenetData = path.join(sharedDir, 'data', 'facenet-pytorch');
    await importMtcnn({ directory: facenetData, modelsDir: work, catalog });
    const mtcnn = await MtcnnDetector.create({ models: { cacheDir: work, catalog } });
    const rfb320 = await Rfb320Detector.create();
    try {
      const loader = createImageLoader();
      const lfwCount = quick ? 10 : 200;
      const lfw = await Promise.all(lfwFold1Images().slice(0, lfwCount).map((file) => loader.load(file)));
      const multiface = [await loader.load(path.join(facenetData, 'multiface.jpg'))];
      const rows = ['| photos | MTCNN median (mean) | RFB-320 median (mean) | MTCNN / RFB-320 (median) |', '| --- | ---: | ---: | ---: |'];
      for (const [label, images, rounds] of [
        [`LFW fold 1, first ${lfwCount} (250x250)`, lfw, 1],
        ['multiface.jpg (1200x630, 6 faces)', multiface, quick ? 2 : 20],
      ] as const) {
        log(`${label}: MTCNN`);
        const ours = await detectTimes(mtcnn, images, rounds);
        log(`${label}: RFB-320`);
        const theirs = await detectTimes(rfb320, images, rounds);
        rows.push(
          `| ${label} | ${median(ours).toFixed(1)} ms (${mean(ours).toFixed(1)}) | ${median(theirs).toFixed(1)} ms (${mean(theirs).toFixed(1)}) | ${(median(ours) / median(theirs)).toFixed(2)} |`,
        );
      }
      return [
        'Per-photo wall time of `detect()` (boxes and five landmarks), one onnxruntime-node thread per session. MTCNN: minimum',
        'face 20 px, factor 0.709, thresholds 0.6/0.7/0.7 (facenet-pytorch defaults); RFB-320 includes its 68-point landmark model.',
        '',
        ...rows,
      ].join('\n');
    } finally {
      await Promise.all([mtcnn.close(), rfb320.close()]);
      await rm(work, { recursive: true, force: true });
    }
  },
};

export default bench;
