import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RgbImage } from '@pv/core';
import { createImageLoader, OnnxEmbedder as NodeOnnxEmbedder, Rfb320Detector as NodeRfb320Detector } from '@pv/embedder-onnx-node';
import { fetchModels } from '@pv/model-fetch';
import { alignFace } from '@pv/vision';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { lfwFiles, medianMs } from '../../embedder-onnx-node/bench/lfw-timing.js';
import { OnnxEmbedder } from '../src/onnx-embedder.js';
import { Rfb320Detector } from '../src/rfb320-detector.js';

/** onnxruntime-web options that read the verified model files of the local cache instead of a server. */
async function cachedModels(): Promise<{ modelBaseUrl: string; fetch: (url: string) => Promise<Response> }> {
  const fetched = await fetchModels(['rfb320', 'landmarks68', 'mobilefacenet']);
  const files = new Map(fetched.map((m) => [`/${m.id}/${path.basename(m.path)}`, m.path]));
  return {
    modelBaseUrl: 'http://models.local/',
    fetch: async (url) => new Response(new Uint8Array(await readFile(files.get(new URL(url).pathname) ?? '/missing'))),
  };
}

const bench: BenchModule = {
  title: 'Browser runtime: onnxruntime-web (wasm, in Node) vs onnxruntime-node',
  order: 41,
  async run(ctx) {
    const count = ctx.quick ? 8 : 100;
    const loader = createImageLoader();
    const photos: RgbImage[] = [];
    for (const file of await lfwFiles(ctx.sharedDir, count)) photos.push(await loader.load(file));
    const models = await cachedModels();
    const nodeDetector = await NodeRfb320Detector.create();
    const nodeEmbedder = await NodeOnnxEmbedder.create();
    const webDetector = await Rfb320Detector.create(models);
    const webEmbedder = await OnnxEmbedder.create(models);
    try {
      const crops: RgbImage[] = [];
      for (const photo of photos) {
        const [face] = await nodeDetector.detect(photo);
        if (face) crops.push(alignFace(photo, face, nodeEmbedder.model.alignment));
      }
      ctx.log(`${photos.length} LFW photos, ${crops.length} aligned faces`);
      const nodeEmbed = await medianMs(crops, (crop) => nodeEmbedder.embed([crop]));
      const webEmbed = await medianMs(crops, (crop) => webEmbedder.embed([crop]));
      const nodeDetect = await medianMs(photos, (photo) => nodeDetector.detect(photo));
      const webDetect = await medianMs(photos, (photo) => webDetector.detect(photo));
      const fromNode = await nodeEmbedder.embed(crops);
      const fromWeb = await webEmbedder.embed(crops);
      let difference = 0;
      fromWeb.forEach((e, i) => e.forEach((v, j) => (difference = Math.max(difference, Math.abs(v - (fromNode[i]![j] as number))))));
      const row = (step: string, node: number, web: number) => `| ${step} | ${node.toFixed(2)} | ${web.toFixed(2)} | ${(web / node).toFixed(2)} |`;
      return [
        `${crops.length} LFW fold-1 faces (250x250 photos, gray → RGB); medians per item after a warm-up pass; one thread`,
        'each (onnxruntime-node: one intra-op thread, no spinning; onnxruntime-web: its wasm backend on one thread, as',
        'in a page that is not cross-origin isolated). Same models, same @pv/face-models code.',
        '',
        '| step | onnxruntime-node ms | onnxruntime-web ms | web / node |',
        '| --- | ---: | ---: | ---: |',
        row('embedding (MobileFaceNet), per face', nodeEmbed, webEmbed),
        row('detection + landmarks, per photo', nodeDetect, webDetect),
        '',
        `Largest difference between the two runtimes' embeddings on these faces: ${difference.toExponential(1)}.`,
        'In Chromium the wasm backend is the same code; its speed there depends on the browser and on threads',
        '(cross-origin isolated pages may use several).',
      ].join('\n');
    } finally {
      await Promise.all([nodeDetector.close(), nodeEmbedder.close(), webDetector.close(), webEmbedder.close()]);
    }
  },
};

export default bench;
