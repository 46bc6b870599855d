// mobilefacenet-int8 (made by pv models quantize's library function) in Chromium: the browser bundle fetches
// and verifies it like any catalog model and embeds real faces on onnxruntime-web, agreeing with float.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { RgbImage } from '@pv/core';
import { createImageLoader, OnnxEmbedder as NodeOnnxEmbedder, Rfb320Detector as NodeRfb320Detector } from '@pv/embedder-onnx-node';
import { cosineSimilarity } from '@pv/quantize';
import { quantizeCatalogModel, type QuantizedCatalogModel } from '@pv/quantize/node';
import { alignFace } from '@pv/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from './chromium.fixture.js';
import { fileRoutes, startStaticServer, type RouteBody, type StaticServer } from './static-server.fixture.js';
import { defaultModelRoutes, lfwSample, multiFacePhoto, packageDir } from './test-data.fixture.js';

type PageWindow = Window & { pv: typeof import('./browser-bundle.js') };

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>pv int8</title></head>
<body><script type="module">import * as pv from '/pv-web.js'; window.pv = pv; document.title = 'ready';</script></body></html>`;

describe('mobilefacenet-int8 in Chromium (onnxruntime-web wasm)', () => {
  let server: StaticServer;
  let session: ChromiumSession;
  let bundleDir: string;
  let modelsDir: string;
  let quantized: QuantizedCatalogModel;
  let crops: RgbImage[];
  let floatEmbeddings: Float32Array[];

  beforeAll(async () => {
    bundleDir = await mkdtemp(path.join(tmpdir(), 'pv-web-bundle-'));
    await promisify(execFile)(path.join(packageDir, 'node_modules', '.bin', 'tsx'), [path.join(packageDir, 'scripts', 'build-browser-bundle.ts'), bundleDir], { cwd: packageDir });
    // Calibrated on LFW photos (people 40–51), tested on others: the first people's photos and the six-face group photo.
    const lfw = await lfwSample(400);
    modelsDir = await mkdtemp(path.join(tmpdir(), 'pv-web-int8-'));
    const models = await defaultModelRoutes();
    const floatFile = [...models].find(([route]) => route.startsWith('/mobilefacenet/'))?.[1] as string;
    await mkdir(path.join(modelsDir, 'mobilefacenet'));
    await symlink(floatFile, path.join(modelsDir, 'mobilefacenet', path.basename(floatFile)));
    quantized = await quantizeCatalogModel('mobilefacenet', { photos: lfw.slice(200, 212), origin: 'LFW fold 1 (browser test)', modelsDir });
    const loader = createImageLoader();
    const photos = await Promise.all([...lfw.slice(0, 4), multiFacePhoto].map((file) => loader.load(file)));
    const detector = await NodeRfb320Detector.create();
    const embedder = await NodeOnnxEmbedder.create();
    try {
      crops = [];
      for (const photo of photos) for (const face of await detector.detect(photo)) crops.push(alignFace(photo, face, embedder.model.alignment));
      floatEmbeddings = await embedder.embed(crops);
    } finally {
      await Promise.all([detector.close(), embedder.close()]);
    }
    const routes = new Map<string, RouteBody>([
      ['/index.html', { bytes: new TextEncoder().encode(PAGE), type: 'text/html; charset=utf-8' }],
      ['/data/crops.bin', { bytes: Buffer.concat(crops.map((c) => c.data)), type: 'application/octet-stream' }],
      ...fileRoutes('/models', new Map([...models, [`/${quantized.id}/${path.basename(quantized.onnxFile)}`, quantized.onnxFile]])),
    ]);
    for (const name of await readdir(bundleDir)) routes.set(`/${name}`, { file: path.join(bundleDir, name) });
    server = await startStaticServer(routes);
    session = await launchChromium();
  }, 1_800_000);

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
    if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
  });

  it('the page registers the local entry, fetches and verifies the int8 file, and embeds every face at cosine ≥ 0.99 to float', async () => {
    expect(crops.length).toBeGreaterThanOrEqual(8);
    const page = await session.context.newPage();
    try {
      await page.goto(`${server.origin}/index.html`);
      await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 });
      const result = await page.evaluate(
        async ({ entry, count }) => {
          const pv = (window as unknown as PageWindow).pv;
          pv.defaultCatalog.register(entry);
          const bytes = new Uint8Array(await (await fetch('/data/crops.bin')).arrayBuffer());
          const side = 112 * 112 * 3;
          const faces = Array.from({ length: count }, (_, i) => ({ width: 112, height: 112, data: bytes.subarray(i * side, (i + 1) * side) }));
          const embedder = await pv.OnnxEmbedder.create({ modelBaseUrl: '/models/', model: entry.id });
          const embeddings = (await embedder.embed(faces)).map((e) => Array.from(e));
          const model = embedder.model.id;
          await embedder.close();
          return { embeddings, model };
        },
        { entry: JSON.parse(JSON.stringify(quantized.entry)) as typeof quantized.entry, count: crops.length },
      );
      expect(result.model).toBe('mobilefacenet-int8');
      expect(result.embeddings).toHaveLength(floatEmbeddings.length);
      const cosines = result.embeddings.map((e, i) => cosineSimilarity(Float32Array.from(e), floatEmbeddings[i] as Float32Array));
      expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.99);
    } finally {
      await page.close();
    }
  }, 600_000);
});
