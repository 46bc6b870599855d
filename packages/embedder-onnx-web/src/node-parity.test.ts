import {
  createImageLoader,
  OnnxEmbedder as NodeOnnxEmbedder,
  Rfb320Detector as NodeRfb320Detector,
} from '@pv/embedder-onnx-node';
import type { FaceDetection, RgbImage } from '@pv/core';
import { alignFace } from '@pv/vision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEmbedder } from './onnx-embedder.js';
import { Rfb320Detector } from './rfb320-detector.js';
import { fileRoutes, startStaticServer, type StaticServer } from './static-server.fixture.js';
import { defaultModelRoutes, detectionNumbers, lfwSample, maxAbsDifference, multiFacePhoto } from './test-data.fixture.js';

/**
 * Issue 8's parity requirement, in Node: onnxruntime-web (wasm) and onnxruntime-node run the same catalog
 * models through the same @pv/face-models code, so on the same photos and aligned faces their answers agree.
 */
describe('onnxruntime-web in Node matches @pv/embedder-onnx-node', () => {
  let server: StaticServer;
  let photos: RgbImage[];
  const opened: { close(): Promise<void> }[] = [];
  let nodeDetector: NodeRfb320Detector;
  let webDetector: Rfb320Detector;
  let nodeFaces: FaceDetection[][];

  beforeAll(async () => {
    server = await startStaticServer(fileRoutes('/models', await defaultModelRoutes()));
    const loader = createImageLoader();
    photos = await Promise.all([...(await lfwSample(12)), multiFacePhoto].map((file) => loader.load(file)));
    nodeDetector = await NodeRfb320Detector.create();
    webDetector = await Rfb320Detector.create({ modelBaseUrl: `${server.origin}/models/` });
    opened.push(nodeDetector, webDetector);
    nodeFaces = [];
    for (const photo of photos) nodeFaces.push(await nodeDetector.detect(photo));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(opened.map((o) => o.close()));
    await server?.close();
  });

  it('fetched every model over HTTP', () => {
    expect(server.requests.sort()).toEqual(['/models/landmarks68/fr_landmark.onnx', '/models/rfb320/fr_detect.onnx']);
  });

  it('finds the same faces with the same boxes, scores and landmarks (within 1e-3 px)', async () => {
    expect(nodeFaces.map((f) => f.length)).toEqual([...new Array<number>(12).fill(1), 6]);
    let worst = 0;
    for (const [i, photo] of photos.entries()) {
      const webFaces = await webDetector.detect(photo);
      expect(webFaces).toHaveLength(nodeFaces[i]!.length);
      webFaces.forEach((face, k) => {
        worst = Math.max(worst, maxAbsDifference(detectionNumbers(face), detectionNumbers(nodeFaces[i]![k]!)));
      });
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it.each([false, true])('gives the same embeddings on the same aligned faces within 1e-4 (flipAugment %s)', async (flipAugment) => {
    const nodeEmbedder = await NodeOnnxEmbedder.create({ flipAugment });
    const webEmbedder = await OnnxEmbedder.create({ modelBaseUrl: `${server.origin}/models/`, flipAugment });
    opened.push(nodeEmbedder, webEmbedder);
    const crops = photos.flatMap((photo, i) => nodeFaces[i]!.map((face) => alignFace(photo, face, nodeEmbedder.model.alignment)));
    expect(crops).toHaveLength(18);
    const fromNode = await nodeEmbedder.embed(crops);
    const fromWeb = await webEmbedder.embed(crops);
    expect(webEmbedder.model).toEqual(nodeEmbedder.model);
    const worst = Math.max(...fromWeb.map((embedding, i) => maxAbsDifference(embedding, fromNode[i]!)));
    expect(worst).toBeLessThan(1e-4);
  }, 120_000);
});
