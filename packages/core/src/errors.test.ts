import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  BadImageError,
  DimensionMismatchError,
  InvalidArgumentError,
  MetricUnsupportedError,
  ModelFormatError,
  ModelIntegrityError,
  ModelMismatchError,
  ModelUnavailableError,
  MultipleFacesError,
  NoFaceError,
  NotFoundError,
  PvError,
  StoreClosedError,
  StoreCorruptError,
  StoreLockedError,
  isPvError,
  type PvErrorCode,
} from './errors.js';

const cases: [PvError, PvErrorCode, string][] = [
  [new NoFaceError(), 'E_NO_FACE', 'NoFaceError'],
  [new MultipleFacesError(3), 'E_MULTIPLE_FACES', 'MultipleFacesError'],
  [new BadImageError('bad'), 'E_BAD_IMAGE', 'BadImageError'],
  [new DimensionMismatchError(512, 128), 'E_DIM_MISMATCH', 'DimensionMismatchError'],
  [new ModelMismatchError('a', 'b'), 'E_MODEL_MISMATCH', 'ModelMismatchError'],
  [new StoreCorruptError('torn'), 'E_STORE_CORRUPT', 'StoreCorruptError'],
  [new StoreLockedError('busy'), 'E_STORE_LOCKED', 'StoreLockedError'],
  [new StoreClosedError(), 'E_STORE_CLOSED', 'StoreClosedError'],
  [new NotFoundError('gone'), 'E_NOT_FOUND', 'NotFoundError'],
  [new InvalidArgumentError('no'), 'E_INVALID_ARGUMENT', 'InvalidArgumentError'],
  [new AbortedError(), 'E_ABORTED', 'AbortedError'],
  [new MetricUnsupportedError('dot', ['cosine']), 'E_METRIC_UNSUPPORTED', 'MetricUnsupportedError'],
  [new ModelUnavailableError('offline'), 'E_MODEL_UNAVAILABLE', 'ModelUnavailableError'],
  [new ModelIntegrityError('hash differs'), 'E_MODEL_INTEGRITY', 'ModelIntegrityError'],
  [new ModelFormatError('not ONNX'), 'E_MODEL_FORMAT', 'ModelFormatError'],
];

describe('PvError subclasses', () => {
  it.each(cases)('%s has code %s, its class name and instanceof PvError and Error', (error, code, name) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(PvError);
    expect(error).toBeInstanceOf(Error);
    expect(error.message.length).toBeGreaterThan(0);
    expect(isPvError(error)).toBe(true);
    expect(isPvError(error, code)).toBe(true);
  });

  it('have distinct codes', () => {
    expect(new Set(cases.map(([, code]) => code)).size).toBe(cases.length);
  });

  it('carry machine-readable details', () => {
    expect(new DimensionMismatchError(512, 128, { what: 'query' }).details).toEqual({ expected: 512, actual: 128, what: 'query' });
    expect(new ModelMismatchError('mobilefacenet', 'facenet').details).toEqual({ expected: 'mobilefacenet', actual: 'facenet' });
    expect(new MultipleFacesError(2, { file: 'a.jpg' }).details).toEqual({ count: 2, file: 'a.jpg' });
    expect(new NotFoundError('x').details).toEqual({});
    expect(new MetricUnsupportedError('dot', ['cosine'], { store: 'hnsw' }).details).toEqual({ metric: 'dot', supported: ['cosine'], store: 'hnsw' });
    expect(new ModelFormatError('bad', { file: 'm.onnx' }).details).toEqual({ file: 'm.onnx' });
  });

  it('name both models and dimensions in the message', () => {
    expect(new ModelMismatchError('mobilefacenet', 'facenet').message).toMatch(/mobilefacenet.*facenet/);
    expect(new DimensionMismatchError(512, 128).message).toMatch(/512.*128/);
  });

  it('keep a cause', () => {
    const cause = new Error('disk');
    expect(new StoreCorruptError('torn', {}, { cause }).cause).toBe(cause);
    expect(new PvError('E_BAD_IMAGE', 'bad', {}, { cause }).cause).toBe(cause);
    expect(new ModelUnavailableError('offline', {}, { cause }).cause).toBe(cause);
    expect(new ModelIntegrityError('differs', {}, { cause }).cause).toBe(cause);
    expect(new ModelFormatError('refused', {}, { cause }).cause).toBe(cause);
  });
});

describe('isPvError', () => {
  it('rejects other errors, other codes and non-errors', () => {
    expect(isPvError(new Error('plain'))).toBe(false);
    expect(isPvError({ code: 'E_NO_FACE', message: 'lookalike' })).toBe(false);
    expect(isPvError(new NoFaceError(), 'E_BAD_IMAGE')).toBe(false);
    expect(isPvError(undefined)).toBe(false);
  });
});
