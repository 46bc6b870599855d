import { describe, expect, it } from 'vitest';
import { builtInModels, dlibResnet, landmarks68, mobilefacenet, parseModelEntry, rfb320 } from './index.js';

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

  it('checks embedder alignment and thresholds', () => {
    expect(() => parseModelEntry(withField(mobilefacenet, ['alignment', 'template'], []))).toThrow(/five points/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['recommendedMetric'], 'l2'))).toThrow(/recommended metric/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['thresholdStatus'], 'final'))).toThrow(/thresholdStatus/u);
    expect(() => parseModelEntry(withField(mobilefacenet, ['calibratedOn', 'pairs'], 0))).toThrow(/calibratedOn\.pairs/u);
    expect(parseModelEntry(mobilefacenet)).toMatchObject({ calibratedOn: { dataset: 'lfw-fold1', pairs: 600 } });
    const boxCrop = withField(mobilefacenet, ['alignment'], { kind: 'box-crop', width: 160, height: 160, margin: 0, square: 'yes' });
    expect(() => parseModelEntry(boxCrop)).toThrow(/alignment\.square/u);
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

    it('drops fields it does not know', () => {
      expect(parseModelEntry(withField(local, ['source', 'convertedFrom', 'comment'], 'mine')).source).toEqual(expected);
    });

    it.each([
      ['source.convertedFrom must be an object', ['source', 'convertedFrom'], 'facenet.pt'],
      ['source.convertedFrom.file', ['source', 'convertedFrom', 'file'], ''],
      ['source.convertedFrom.sha256', ['source', 'convertedFrom', 'sha256'], 'C'.repeat(64)],
      ['source.convertedFrom.size', ['source', 'convertedFrom', 'size'], 0],
      ['source.convertedFrom.format', ['source', 'convertedFrom', 'format'], undefined],
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
