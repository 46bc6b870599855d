import { readFile } from 'node:fs/promises';
import { getModel, mobilefacenet, type ModelEntry } from '@pv/models';
import { expectPvError } from '@pv/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { fetchVerifiedModel, modelFileName, modelUrl, sha256Hex } from './model-download.js';
import { OnnxEmbedder } from './onnx-embedder.js';
import { defaultModelRoutes } from './test-data.fixture.js';

describe('modelUrl', () => {
  it('puts each model at <base>/<id>/<file name>, the models cache layout', () => {
    expect(modelUrl('https://example.org/static/models/', getModel('rfb320'))).toBe('https://example.org/static/models/rfb320/fr_detect.onnx');
    expect(modelUrl('https://example.org/models', mobilefacenet)).toBe('https://example.org/models/mobilefacenet/fr_feature.onnx');
    expect(modelUrl(new URL('http://127.0.0.1:8080/m/'), getModel('landmarks68'))).toBe('http://127.0.0.1:8080/m/landmarks68/fr_landmark.onnx');
  });

  it('names local and converted models by their file', () => {
    const local: ModelEntry = { ...mobilefacenet, id: 'mine', source: { kind: 'local', file: 'imports/my net.onnx', sha256: 'a', size: 1 } };
    expect(modelFileName(local)).toBe('my net.onnx');
    expect(modelUrl('https://example.org/models/', local)).toBe('https://example.org/models/mine/my%20net.onnx');
  });

  it('refuses a relative base URL where there is no page to resolve it against', async () => {
    await expectPvError(() => modelUrl('/models/', mobilefacenet), 'E_INVALID_ARGUMENT');
  });
});

describe('fetchVerifiedModel', () => {
  let bytes: Uint8Array;
  const served = (body: Uint8Array, status = 200) => async () => new Response(new Uint8Array(body), { status });

  beforeAll(async () => {
    const routes = await defaultModelRoutes();
    bytes = new Uint8Array(await readFile(routes.get('/landmarks68/fr_landmark.onnx')!));
  });

  it('hashes with WebCrypto like the catalog', async () => {
    expect(await sha256Hex(new Uint8Array(bytes))).toBe(getModel('landmarks68').source.sha256);
  });

  it('returns the bytes when size and SHA-256 match the catalog', async () => {
    const fetched = await fetchVerifiedModel('http://x/l.onnx', getModel('landmarks68'), served(bytes));
    expect(Buffer.from(fetched).equals(bytes)).toBe(true);
  });

  it('refuses a tampered or truncated file with E_MODEL_INTEGRITY', async () => {
    const tampered = Uint8Array.from(bytes);
    tampered[1000] = (tampered[1000]! + 1) % 256;
    const error = await expectPvError(fetchVerifiedModel('http://x/l.onnx', getModel('landmarks68'), served(tampered)), 'E_MODEL_INTEGRITY');
    expect(error.message).toContain('landmarks68');
    await expectPvError(fetchVerifiedModel('http://x/l.onnx', getModel('landmarks68'), served(bytes.subarray(1))), 'E_MODEL_INTEGRITY');
  });

  it('reports an HTTP error or an unreachable server as E_MODEL_UNAVAILABLE', async () => {
    await expectPvError(fetchVerifiedModel('http://x/l.onnx', getModel('landmarks68'), served(new Uint8Array(), 404)), 'E_MODEL_UNAVAILABLE');
    const unreachable = async (): Promise<Response> => {
      throw new TypeError('fetch failed');
    };
    await expectPvError(fetchVerifiedModel('http://x/l.onnx', getModel('landmarks68'), unreachable), 'E_MODEL_UNAVAILABLE');
  });

  it('never opens a session on unverified bytes: the factories fail with E_MODEL_INTEGRITY', async () => {
    const wrong = async () => new Response(new Uint8Array(bytes));
    await expectPvError(OnnxEmbedder.create({ modelBaseUrl: 'http://x/models/', fetch: wrong }), 'E_MODEL_INTEGRITY');
  });

  it('uses a per-model URL from modelUrls over modelBaseUrl, and refuses a model of another task', async () => {
    const requested: string[] = [];
    const recording = async (url: string) => {
      requested.push(url);
      return new Response(null, { status: 404 });
    };
    const options = { modelBaseUrl: 'http://x/models/', modelUrls: { mobilefacenet: 'http://cdn/face.onnx' }, fetch: recording };
    await expectPvError(OnnxEmbedder.create(options), 'E_MODEL_UNAVAILABLE');
    expect(requested).toEqual(['http://cdn/face.onnx']);
    await expectPvError(OnnxEmbedder.create({ ...options, model: 'rfb320' }), 'E_INVALID_ARGUMENT');
  });
});
