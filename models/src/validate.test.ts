import { describe, expect, it } from 'vitest';
import { builtInModels, dlibResnet, landmarks68, livenessModel, mobilefacenet, parseModelEntry, rfb320 } from './index.js';

/** A JSON round trip, as entries read back from a file look. */
function viaJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function withField(entry: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = viaJson(entry) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  target[path[path.length - 1] as string | number] = value;
  return copy;
}

describe('parseModelEntry', () => {
  it('accepts every built-in entry after a JSON round trip, unchanged', () => {
    for (const entry of builtInModels) expect(parseModelEntry(viaJson(entry))).toEqual(entry);
  });

  it.each([
    ['id', ['id'], 'Not Valid'],
    ['task', ['task'], 'classifier'],
    ['source.kind', ['source', 'kind'], 'http'],
    ['source.version', ['source', 'version'], '^0.0.1'],
    ['source.integrity', ['source', 'integrity'], 'sha1-abc'],
    ['source.path', ['source', 'path'], '../etc/passwd'],
    ['source.size', ['source', 'size'], 0],
    ['inputs[0].normalisation', ['inputs', 0, 'normalisation', 'mean'], [127]],
    ['inputs[0].shape', ['inputs', 0, 'shape'], [1, 0, 3]],
    ['outputs', ['outputs'], []],
  ])('names the bad field %s', (field, path, value) => {
    expect(() => parseModelEntry(withField(rfb320, path, value))).toThrow(field);
  });

  it('checks landmark groups against the point count', () => {
    expect(() => parseModelEntry(withField(landmarks68, ['fivePointIndices', 2], [68]))).toThrow(/0\.\.67/u);
    expect(() => parseModelEntry(withField(landmarks68, ['fivePointIndices'], [[1], [2]]))).toThrow(/five groups/u);
  });

  it('checks analysis entries: kind, crop and decision', () => {
    expect(() => parseModelEntry(withField(livenessModel, ['analysis'], 'mood'))).toThrow(/analysis/u);
    expect(() => parseModelEntry(withField(livenessModel, ['crop'], { kind: 'centred-scale', scale: 0 }))).toThrow(/crop\.scale/u);
    expect(() => parseModelEntry(withField(livenessModel, ['crop'], { kind: 'spiral' }))).toThrow(/crop\.kind/u);
    expect(() => parseModelEntry(withField(livenessModel, ['decision', 'threshold'], 'high'))).toThrow(/decision\.threshold/u);
  });

  it('checks embedder alignment and thresholds', () => {
    expect(() => parseModelEntry(withField(mobilefacenet, ['alignment', 'template'], []))).toThrow(/five points/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['recommendedMetric'], 'l2'))).toThrow(/recommended metric/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['thresholdStatus'], 'final'))).toThrow(/thresholdStatus/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['calibratedOn', 'pairs'], 0))).toThrow(/calibratedOn\.pairs/u);
    expect(parseModelEntry(mobilefacenet)).toMatchObject({ calibratedOn: { dataset: 'lfw-fold1', pairs: 600 } });
    const boxCrop = withField(mobilefacenet, ['alignment'], { kind: 'box-crop', width: 160, height: 160, margin: 0, square: 'yes' });
    expect(() => parseModelEntry(boxCrop)).toThrow(/alignment\.square/u);
  });

  it('checks the detector an embedder asks for, and allows none', () => {
    expect(parseModelEntry(withField(mobilefacenet, ['detector'], 'mtcnn'))).toMatchObject({ detector: 'mtcnn' });
    expect(parseModelEntry(withField(mobilefacenet, ['detector'], 'rfb320'))).toMatchObject({ detector: 'rfb320' });
    expect(parseModelEntry(viaJson(mobilefacenet))).not.toHaveProperty('detector');
    expect(() => parseModelEntry(withField(mobilefacenet, ['detector'], 'ssd'))).toThrow(/detector must be one of.*rfb320.*mtcnn/u);
  });

  it('accepts a local source and a dynamic batch dimension', () => {
    const local = withField(withField(mobilefacenet, ['source'], { kind: 'local', file: '/models/f.onnx', sha256: 'b'.repeat(64), size: 5 }), ['inputs', 0, 'shape'], [-1, 3, 112, 112]);
    expect(parseModelEntry(local).source).toEqual({ kind: 'local', file: '/models/f.onnx', sha256: 'b'.repeat(64), size: 5 });
  });

  describe('a local source converted from other weights', () => {
    const convertedFrom = { file: '/home/u/20180402-114759-vggface2.pt', sha256: 'c'.repeat(64), size: 111_898_327, format: 'pytorch-legacy' };
    const expected = { kind: 'local', file: 'facenet-vggface2.onnx', sha256: 'b'.repeat(64), size: 5, convertedFrom };
    const local = withField(mobilefacenet, ['source'], expected);

    it('keeps the original file, its hash, size and format, also through JSON', () => {
      expect(parseModelEntry(local).source).toEqual(expected);
      expect(parseModelEntry(viaJson(parseModelEntry(local))).source).toEqual(expected);
    });

    it('keeps the URL the original was downloaded from', () => {
      const url = 'https://github.com/timesler/facenet-pytorch/releases/download/v2.2.9/20180402-114759-vggface2.pt';
      expect(parseModelEntry(withField(local, ['source', 'convertedFrom', 'url'], url)).source).toEqual({ ...expected, convertedFrom: { ...convertedFrom, url } });
    });

    it('drops fields it does not know', () => {
      expect(parseModelEntry(withField(local, ['source', 'convertedFrom', 'comment'], 'mine')).source).toEqual(expected);
    });

    it.each([
      ['source.convertedFrom must be an object', ['source', 'convertedFrom'], 'facenet.pt'],
      ['source.convertedFrom.file', ['source', 'convertedFrom', 'file'], ''],
      ['source.convertedFrom.sha256', ['source', 'convertedFrom', 'sha256'], 'C'.repeat(64)],
      ['source.convertedFrom.size', ['source', 'convertedFrom', 'size'], 0],
      ['source.convertedFrom.format', ['source', 'convertedFrom', 'format'], undefined],
      ['source.convertedFrom.url', ['source', 'convertedFrom', 'url'], 'file:///etc/passwd'],
    ])('names the bad field %s', (field, path, value) => {
      expect(() => parseModelEntry(withField(local, path, value))).toThrow(field);
    });
  });

  describe('a local source quantized with a calibration set', () => {
    const calibration = { images: 6, samples: 41, sha256: 'd'.repeat(64), origin: 'demo photos' };
    const expected = { kind: 'local', file: 'mobilefacenet-int8.onnx', sha256: 'b'.repeat(64), size: 5, calibration };
    const local = withField(mobilefacenet, ['source'], expected);

    it('keeps the calibration record, also through JSON', () => {
      expect(parseModelEntry(viaJson(parseModelEntry(local))).source).toEqual(expected);
    });

    it.each([
      ['source.calibration.images', ['source', 'calibration', 'images'], 0],
      ['source.calibration.samples', ['source', 'calibration', 'samples'], 1.5],
      ['source.calibration.sha256', ['source', 'calibration', 'sha256'], 'x'],
      ['source.calibration.origin', ['source', 'calibration', 'origin'], undefined],
    ])('names the bad field %s', (field, path, value) => {
      expect(() => parseModelEntry(withField(local, path, value))).toThrow(field);
    });
  });

  it.each([
    ['source.files', ['source', 'files'], []],
    ['source.files[1].path', ['source', 'files', 1, 'path'], 'model/../../x.bin'],
    ['source.files[0].sha256', ['source', 'files', 0, 'sha256'], 'ABC'],
    ['source.files[1].size', ['source', 'files', 1, 'size'], -1],
    ['source.converter', ['source', 'converter'], ''],
    ['source.file', ['source', 'file'], 'sub/model.onnx'],
    ['source.file', ['source', 'file'], '..'],
    ['source.sha256', ['source', 'sha256'], 'f'.repeat(63)],
    ['source.version', ['source', 'version'], '1.7'],
  ])('names the bad field %s of a converted source', (field, path, value) => {
    expect(() => parseModelEntry(withField(dlibResnet, path, value))).toThrow(field);
  });

  it('refuses what is not an object', () => {
    expect(() => parseModelEntry(null)).toThrow(/entry must be an object/u);
    expect(() => parseModelEntry([])).toThrow(/entry must be an object/u);
  });
});
