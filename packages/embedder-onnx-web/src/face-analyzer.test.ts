import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ANALYSIS_KINDS, type FaceAnalysis } from '@pv/core';
import { createFaceAnalyzer as createNodeAnalyzer, createImageLoader, Rfb320Detector as NodeRfb320Detector } from '@pv/embedder-onnx-node';
import { fetchModels } from '@pv/model-fetch';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFaceAnalyzer } from './face-analyzer.js';
import { lfwSample } from './test-data.fixture.js';

/** The same analyses through onnxruntime-web (wasm, in Node) as through onnxruntime-node. */
describe('createFaceAnalyzer on onnxruntime-web matches @pv/embedder-onnx-node', () => {
  const requests: string[] = [];
  const results: { node: FaceAnalysis; web: FaceAnalysis }[] = [];

  beforeAll(async () => {
    const ids = ['liveness', 'pose', 'eyes', 'age', 'gender', 'expression', 'landmarks68'];
    const fetched = await fetchModels(ids);
    const files = new Map(fetched.map((m) => [`/models/${m.id}/${path.basename(m.path)}`, m.path]));
    // Files are handed over by a fetch function rather than an HTTP server: loading the 28 MB expression
    // model blocks the event loop long enough for a keep-alive socket to be reset on a busy machine.
    const fetchFile = async (url: string): Promise<Response> => {
      const pathname = new URL(url).pathname;
      requests.push(pathname);
      const file = files.get(pathname);
      return file ? new Response(await readFile(file)) : new Response('not found', { status: 404 });
    };
    const web = await createFaceAnalyzer({ modelBaseUrl: 'http://models.invalid/models/', fetch: fetchFile });
    const node = await createNodeAnalyzer();
    const detector = await NodeRfb320Detector.create();
    const loader = createImageLoader();
    try {
      for (const file of await lfwSample(3)) {
        const image = await loader.load(file);
        const [face] = await detector.detect(image);
        results.push({ node: await node.analyze(image, face!, ANALYSIS_KINDS), web: await web.analyze(image, face!, ANALYSIS_KINDS) });
      }
    } finally {
      await Promise.all([web.close(), node.close(), detector.close()]);
    }
  }, 300_000);

  it('fetched every analysis model by URL', () => {
    expect(requests.sort()).toEqual([
      '/models/age/fr_age.onnx',
      '/models/expression/fr_expression.onnx',
      '/models/eyes/fr_eye.onnx',
      '/models/gender/fr_gender.onnx',
      '/models/landmarks68/fr_landmark.onnx',
      '/models/liveness/fr_liveness.onnx',
      '/models/pose/fr_pose.onnx',
    ]);
  });

  it('gives the same scores, angles, ages and decisions (within float tolerance)', () => {
    expect(results).toHaveLength(3);
    for (const { node, web } of results) {
      expect(web.liveness!.score).toBeCloseTo(node.liveness!.score, 4);
      expect(web.pose!.yaw).toBeCloseTo(node.pose!.yaw, 2);
      expect(web.pose!.pitch).toBeCloseTo(node.pose!.pitch, 2);
      expect(web.eyes!.left.openProbability).toBeCloseTo(node.eyes!.left.openProbability, 4);
      expect(web.age!.years).toBeCloseTo(node.age!.years, 2);
      expect(web.gender).toEqual({ gender: node.gender!.gender, confidence: expect.closeTo(node.gender!.confidence, 4) });
      expect(web.expression!.expression).toBe(node.expression!.expression);
      expect(web.quality).toEqual(node.quality);
    }
  });
});
