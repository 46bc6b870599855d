import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FaceDetection, RgbImage } from '@pv/core';
import { createImageLoader, OnnxEmbedder as NodeOnnxEmbedder, Rfb320Detector as NodeRfb320Detector } from '@pv/embedder-onnx-node';
import { alignFace } from '@pv/vision';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type ChromiumSession } from './chromium.fixture.js';
import { fileRoutes, startStaticServer, type RouteBody, type StaticServer } from './static-server.fixture.js';
import { defaultModelRoutes, detectionNumbers, lfwSample, maxAbsDifference, multiFacePhoto, packageDir } from './test-data.fixture.js';

/** What the page sees: the bundle's exports on `window.pv`. */
type PageWindow = Window & { pv: typeof import('./browser-bundle.js') };

/** A detection as plain data (what crosses from the page to the test). */
type PlainDetection = Pick<FaceDetection, 'box' | 'score' | 'landmarks'>;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>pv parity</title></head>
<body style="margin:0;font:14px sans-serif"><canvas id="view"></canvas>
<script type="module">import * as pv from '/pv-web.js'; window.pv = pv; document.title = 'ready';</script>
</body></html>`;

/** Builds the browser bundle from the current sources into a fresh folder (what `pnpm build` writes to dist-browser/). */
async function buildBundle(): Promise<string> {
  const outDir = await mkdtemp(path.join(tmpdir(), 'pv-web-bundle-'));
  const tsx = path.join(packageDir, 'node_modules', '.bin', 'tsx');
  await promisify(execFile)(tsx, [path.join(packageDir, 'scripts', 'build-browser-bundle.ts'), outDir], { cwd: packageDir });
  return outDir;
}

/** Opens the test page and waits until the bundle is imported. */
async function openPage(session: ChromiumSession, origin: string): Promise<Page> {
  const page = await session.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 60_000 }).catch((error: unknown) => {
    throw new Error(`the page did not load pv-web.js: ${errors.join('; ') || String(error)}`);
  });
  return page;
}

describe('the browser bundle in Chromium matches @pv/embedder-onnx-node', () => {
  let server: StaticServer;
  let session: ChromiumSession;
  let bundleDir: string;
  let photos: RgbImage[];
  let nodeFaces: FaceDetection[][];
  let crops: RgbImage[];
  let nodeEmbeddings: Float32Array[];

  beforeAll(async () => {
    bundleDir = await buildBundle();
    const files = [...(await lfwSample(3)), multiFacePhoto];
    const loader = createImageLoader();
    photos = await Promise.all(files.map((file) => loader.load(file)));
    const detector = await NodeRfb320Detector.create();
    const embedder = await NodeOnnxEmbedder.create();
    try {
      nodeFaces = [];
      for (const photo of photos) nodeFaces.push(await detector.detect(photo));
      crops = photos.flatMap((photo, i) => nodeFaces[i]!.map((face) => alignFace(photo, face, embedder.model.alignment)));
      nodeEmbeddings = await embedder.embed(crops);
    } finally {
      await Promise.all([detector.close(), embedder.close()]);
    }
    const routes = new Map<string, RouteBody>([
      ['/index.html', { bytes: new TextEncoder().encode(PAGE), type: 'text/html; charset=utf-8' }],
      ['/data/crops.bin', { bytes: Buffer.concat(crops.map((c) => c.data)), type: 'application/octet-stream' }],
      ...fileRoutes('/models', await defaultModelRoutes()),
    ]);
    for (const name of await readdir(bundleDir)) routes.set(`/${name}`, { file: path.join(bundleDir, name) });
    files.forEach((file, i) => {
      routes.set(`/data/photo-${i}.jpg`, { file });
      routes.set(`/data/photo-${i}.rgb`, { bytes: photos[i]!.data, type: 'application/octet-stream' });
    });
    server = await startStaticServer(routes);
    session = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await session?.close();
    await server?.close();
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  });

  /** Embeds the crops and detects faces in the photos' exact pixels, in a fresh page with `threads` wasm threads. */
  async function embedAndDetectInPage(threads: number | undefined) {
    const page = await openPage(session, server.origin);
    try {
      return await page.evaluate(
        async ({ cropCount, sizes, threads }) => {
          const pv = (window as unknown as PageWindow).pv;
          const options = { modelBaseUrl: '/models/', ...(threads ? { wasm: { numThreads: threads } } : {}) };
          const bytes = new Uint8Array(await (await fetch('/data/crops.bin')).arrayBuffer());
          const side = 112 * 112 * 3;
          const faces = Array.from({ length: cropCount }, (_, i) => ({ width: 112, height: 112, data: bytes.subarray(i * side, (i + 1) * side) }));
          const embedder = await pv.OnnxEmbedder.create(options);
          const embeddings = (await embedder.embed(faces)).map((e) => Array.from(e));
          const detector = await pv.Rfb320Detector.create(options);
          const detections = [];
          for (const [i, size] of sizes.entries()) {
            const data = new Uint8Array(await (await fetch(`/data/photo-${i}.rgb`)).arrayBuffer());
            detections.push(await detector.detect({ ...size, data }));
          }
          await Promise.all([embedder.close(), detector.close()]);
          return { embeddings, detections, isolated: crossOriginIsolated, defaultThreads: pv.defaultWasmThreads() };
        },
        { cropCount: crops.length, sizes: photos.map(({ width, height }) => ({ width, height })), threads },
      );
    } finally {
      await page.close();
    }
  }

  function expectParity(result: { embeddings: number[][]; detections: PlainDetection[][] }): void {
    expect(result.embeddings).toHaveLength(nodeEmbeddings.length);
    const worstEmbedding = Math.max(...result.embeddings.map((e, i) => maxAbsDifference(e, nodeEmbeddings[i]!)));
    expect(worstEmbedding).toBeLessThan(1e-4);
    expect(result.detections.map((d) => d.length)).toEqual(nodeFaces.map((d) => d.length));
    let worstDetection = 0;
    result.detections.forEach((faces, i) =>
      faces.forEach((face, k) => {
        worstDetection = Math.max(worstDetection, maxAbsDifference(detectionNumbers(face), detectionNumbers(nodeFaces[i]![k]!)));
      }),
    );
    expect(worstDetection).toBeLessThan(1e-3);
  }

  it('on one wasm thread: embeddings within 1e-4, detections within 1e-3 px, in a cross-origin isolated page', async () => {
    expect(nodeFaces.map((f) => f.length)).toEqual([1, 1, 1, 6]);
    const result = await embedAndDetectInPage(undefined);
    expect(result.isolated).toBe(true);
    expectParity(result);
  }, 180_000);

  it('on two wasm threads (allowed because the page is cross-origin isolated): the same', async () => {
    expectParity(await embedAndDetectInPage(2));
  }, 180_000);

  it('reads <img>, ImageBitmap, canvas, OffscreenCanvas, ImageData and <video> alike, and recognises the decoded photos', async () => {
    const page = await openPage(session, server.origin);
    try {
      const result = await page.evaluate(async (count) => {
        const pv = (window as unknown as PageWindow).pv;
        const recognizer = await pv.createBrowserRecognizer({ modelBaseUrl: '/models/' });
        const view = document.getElementById('view') as HTMLCanvasElement;
        view.width = 1400;
        view.height = 300;
        const drawing = view.getContext('2d') as CanvasRenderingContext2D;
        const photos = [];
        let left = 0;
        for (let i = 0; i < count; i++) {
          const img = new Image();
          img.src = `/data/photo-${i}.jpg`;
          await img.decode();
          const { naturalWidth: width, naturalHeight: height } = img;
          const canvas = Object.assign(document.createElement('canvas'), { width, height });
          const context = canvas.getContext('2d') as CanvasRenderingContext2D;
          context.drawImage(img, 0, 0);
          const offscreen = new OffscreenCanvas(width, height);
          (offscreen.getContext('2d') as OffscreenCanvasRenderingContext2D).drawImage(img, 0, 0);
          const reference = pv.toRgbImage(img);
          const sources = [await createImageBitmap(img), canvas, offscreen, context.getImageData(0, 0, width, height)];
          const sameAsImg = sources.map((source) => {
            const rgb = pv.toRgbImage(source);
            return rgb.width === width && rgb.height === height && rgb.data.every((v, k) => v === reference.data[k]);
          });
          const sharp = new Uint8Array(await (await fetch(`/data/photo-${i}.rgb`)).arrayBuffer());
          const decodeDifference = reference.data.reduce((max, v, k) => Math.max(max, Math.abs(v - (sharp[k] as number))), 0);
          const faces = await recognizer.embedFacesInImage(img);
          const viaLoader = await recognizer.embedFaces(`/data/photo-${i}.jpg`, 'all');
          const scale = Math.min(1, 300 / height);
          drawing.drawImage(img, left, 0, width * scale, height * scale);
          drawing.strokeStyle = '#0f0';
          drawing.fillStyle = '#f00';
          for (const { detection } of faces) {
            const { x, y, width: w, height: h } = detection.box;
            drawing.strokeRect(left + x * scale, y * scale, w * scale, h * scale);
            for (const p of detection.landmarks) drawing.fillRect(left + p.x * scale - 2, p.y * scale - 2, 4, 4);
          }
          left += width * scale + 10;
          photos.push({
            sameAsImg,
            decodeDifference,
            faces: faces.map((f) => ({ detection: f.detection, embedding: Array.from(f.embedding) })),
            loaderMatches: viaLoader.every((f, k) => f.embedding.every((v, j) => v === faces[k]?.embedding[j])),
          });
        }
        // A <video> playing a canvas stream: its current frame is read like any other source.
        const still = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
        const stillContext = still.getContext('2d') as CanvasRenderingContext2D;
        stillContext.fillStyle = 'rgb(200, 100, 50)';
        stillContext.fillRect(0, 0, 64, 48);
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = still.captureStream(30);
        await video.play();
        for (let tries = 0; video.videoWidth === 0 && tries < 100; tries++) await new Promise((r) => requestAnimationFrame(r));
        stillContext.fillRect(0, 0, 64, 48);
        await new Promise((r) => requestAnimationFrame(r));
        const frame = pv.toRgbImage(video);
        const centre = (24 * 64 + 32) * 3;
        const videoFrame = { width: frame.width, height: frame.height, centre: Array.from(frame.data.subarray(centre, centre + 3)) };
        const noFaces = await recognizer.embedFacesInImage(frame);
        await recognizer.close();
        return { photos, videoFrame, noFaces: noFaces.length };
      }, photos.length);
      await mkdir(path.join(packageDir, 'test-output'), { recursive: true });
      await page.screenshot({ path: path.join(packageDir, 'test-output', 'chromium-parity.png') });

      let crop = 0;
      result.photos.forEach((photo, i) => {
        expect(photo.sameAsImg).toEqual([true, true, true, true]);
        expect(photo.loaderMatches).toBe(true);
        // Chromium's JPEG decoder and sharp's differ by a few levels at most; the faces found still agree.
        expect(photo.decodeDifference).toBeLessThanOrEqual(8);
        expect(photo.faces).toHaveLength(nodeFaces[i]!.length);
        photo.faces.forEach((face, k) => {
          expect(maxAbsDifference(detectionNumbers(face.detection), detectionNumbers(nodeFaces[i]![k]!))).toBeLessThan(2);
          const similarity = face.embedding.reduce((s, v, j) => s + v * (nodeEmbeddings[crop]![j] as number), 0);
          expect(similarity).toBeGreaterThan(0.98);
          crop++;
        });
      });
      expect(result.videoFrame.width).toBe(64);
      expect(result.videoFrame.height).toBe(48);
      for (const [value, expected] of result.videoFrame.centre.map((v, c) => [v, [200, 100, 50][c]!])) {
        expect(Math.abs(value! - expected!)).toBeLessThanOrEqual(6);
      }
      expect(result.noFaces).toBe(0);
    } finally {
      await page.close();
    }
  }, 240_000);
});
