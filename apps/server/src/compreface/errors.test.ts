import { InvalidArgumentError, NoFaceError, StoreCorruptError } from '@pv/core';
import { expect, test } from 'vitest';
import { ApiError } from '../api-error.js';
import { CompreFaceError, toCompreFaceReply } from './errors.js';

test('CompreFace errors keep their code and HTTP status', () => {
  expect(toCompreFaceReply(new CompreFaceError('MISSING_REQUEST_HEADER', "Missing header: 'x-api-key'"))).toMatchObject({
    statusCode: 400,
    body: { code: 20, message: "Missing header: 'x-api-key'" },
  });
  expect(toCompreFaceReply(new CompreFaceError('SUBJECT_NOT_FOUND', 'x')).statusCode).toBe(404);
});

test('pv errors map to CompreFace codes; server failures reveal nothing', () => {
  expect(toCompreFaceReply(new NoFaceError('none'))).toMatchObject({ statusCode: 400, body: { code: 28 } });
  expect(toCompreFaceReply(new InvalidArgumentError('bad label'))).toMatchObject({ statusCode: 400, body: { code: 26 } });
  expect(toCompreFaceReply(new ApiError(415, 'E_UNSUPPORTED_MEDIA_TYPE', 'not an image'))).toMatchObject({ statusCode: 400, body: { code: 21 } });
  expect(toCompreFaceReply(new ApiError(503, 'E_BUSY', 'busy', { headers: { 'retry-after': '1' } }))).toMatchObject({
    statusCode: 503,
    headers: { 'retry-after': '1' },
  });
  const failure = toCompreFaceReply(new StoreCorruptError('/secret/path broke'));
  expect(failure).toMatchObject({ statusCode: 500, body: { code: 0 } });
  expect(failure.body.message).not.toContain('/secret');
});
