import { InvalidArgumentError, NotFoundError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import {
  ModelCatalog,
  embedderModelInfo,
  getEmbedderModel,
  getModel,
  listModels,
  mobilefacenet,
  type EmbedderModelEntry,
} from './index.js';

const facenet: EmbedderModelEntry = {
  ...mobilefacenet,
  id: 'facenet-vggface2',
  description: 'User-imported FaceNet',
  source: { kind: 'local', file: 'facenet/facenet.onnx', sha256: 'a'.repeat(64), size: 10 },
  inputs: [{ ...mobilefacenet.inputs[0]!, shape: [-1, 3, 160, 160] }],
  dimension: 512,
  alignment: { kind: 'box-crop', width: 160, height: 160, margin: 0, square: false },
};

describe('built-in catalog', () => {
  it('lists rfb320, landmarks68, mobilefacenet, dlib-resnet and the six analysis models with their tasks', () => {
    expect(listModels().map((m) => [m.id, m.task])).toEqual([
      ['rfb320', 'detector'],
      ['landmarks68', 'landmarks'],
      ['mobilefacenet', 'embedder'],
      ['dlib-resnet', 'embedder'],
      ['liveness', 'analysis'],
      ['pose', 'analysis'],
      ['eyes', 'analysis'],
      ['age', 'analysis'],
      ['gender', 'analysis'],
      ['expression', 'analysis'],
    ]);
  });

  it('pins every downloaded file to one exact package version and integrity', () => {
    for (const m of listModels().filter((e) => e.source.kind === 'npm')) {
      expect(m.source).toMatchObject({
        kind: 'npm',
        package: 'faceplugin-face-recognition-js',
        version: '0.0.1',
        integrity: expect.stringMatching(/^sha512-/u),
      });
    }
  });

  it('pins dlib-resnet to the face-api weight files it is converted from, and to the converted bytes', () => {
    const entry = getEmbedderModel('dlib-resnet');
    expect(entry.source).toMatchObject({
      kind: 'npm-converted',
      package: '@vladmandic/face-api',
      version: '1.7.15',
      converter: 'face-api-dlib-resnet',
      file: 'dlib-resnet.onnx',
      files: [
        { path: 'model/face_recognition_model-weights_manifest.json', size: 19615 },
        { path: 'model/face_recognition_model.bin', size: 6444032 },
      ],
    });
    expect(entry.dimension).toBe(128);
    expect(entry.alignment).toMatchObject({ kind: 'similarity-5pt', width: 150, height: 150 });
    expect(entry.thresholds.map((t) => t.metric)).toEqual(['l2', 'cosine']);
    expect(entry.thresholdStatus).toBe('calibrated');
  });

  it('throws E_NOT_FOUND naming the known ids for an unknown id', () => {
    expect(() => getModel('nope')).toThrow(NotFoundError);
    expect(() => getModel('nope')).toThrow(/rfb320, landmarks68, mobilefacenet/u);
  });

  it('refuses a non-embedder where an embedder is required', () => {
    expect(() => getEmbedderModel('rfb320')).toThrow(InvalidArgumentError);
    expect(getEmbedderModel('mobilefacenet').dimension).toBe(512);
  });

  it('describes mobilefacenet as an EmbedderModelInfo with the recommended metric first', () => {
    const info = embedderModelInfo(getEmbedderModel('mobilefacenet'));
    expect(info.inputSize).toEqual({ width: 112, height: 112 });
    expect(info.alignment.kind).toBe('similarity-5pt');
    expect(info.thresholds[0]?.metric).toBe('cosine');
  });
});

describe('ModelCatalog run-time entries', () => {
  it('registers, lists, replaces and removes a local entry', () => {
    const catalog = new ModelCatalog();
    catalog.register(facenet);
    expect(catalog.get('facenet-vggface2').source).toEqual(facenet.source);
    expect(catalog.registered().map((m) => m.id)).toEqual(['facenet-vggface2']);
    expect(catalog.list().map((m) => m.id).at(-1)).toBe('facenet-vggface2');
    expect(() => catalog.register(facenet)).toThrow(InvalidArgumentError);
    catalog.register({ ...facenet, description: 'replaced' }, { replace: true });
    expect(catalog.get('facenet-vggface2').description).toBe('replaced');
    expect(catalog.unregister('facenet-vggface2')).toBe(true);
    expect(catalog.unregister('facenet-vggface2')).toBe(false);
    expect(catalog.has('facenet-vggface2')).toBe(false);
  });

  it('keeps built-in entries fixed', () => {
    const catalog = new ModelCatalog();
    expect(() => catalog.register({ ...facenet, id: 'mobilefacenet' }, { replace: true })).toThrow(InvalidArgumentError);
    expect(() => catalog.unregister('rfb320')).toThrow(InvalidArgumentError);
    expect(catalog.isBuiltIn('rfb320')).toBe(true);
  });

  it('validates entries on registration', () => {
    const catalog = new ModelCatalog();
    const bad = { ...facenet, source: { ...facenet.source, sha256: 'xyz' } };
    expect(() => catalog.register(bad)).toThrow(/source\.sha256/u);
    expect(catalog.has(bad.id)).toBe(false);
  });

  it('does not share registrations between catalogs', () => {
    const a = new ModelCatalog();
    a.register(facenet);
    expect(new ModelCatalog().has(facenet.id)).toBe(false);
  });
});
