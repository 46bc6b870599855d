import { BadImageError, InvalidArgumentError, livenessRejection, ModelMismatchError, NotFoundError, PvError, StoreCorruptError } from '@pv/core';
import { describe, expect, it, test } from 'vitest';
import { ApiError, scrubMessage, toErrorReply } from './api-error.js';

describe('toErrorReply', () => {
  test('maps library errors to statuses and keeps their codes', () => {
    expect(toErrorReply(new NotFoundError('No faces are enrolled for "x"', { label: 'x' }))).toEqual({
      statusCode: 404,
      body: { error: { code: 'E_NOT_FOUND', message: 'No faces are enrolled for "x"', details: { label: 'x' } } },
      headers: {},
    });
    expect(toErrorReply(new ModelMismatchError('a', 'b')).statusCode).toBe(409);
    expect(toErrorReply(new InvalidArgumentError('bad')).statusCode).toBe(400);
    expect(toErrorReply(new BadImageError('bad')).statusCode).toBe(422);
    expect(toErrorReply(new PvError('E_STORE_LOCKED', 'locked')).statusCode).toBe(503);
  });

  test('server-side library failures are a generic message without details', () => {
    const reply = toErrorReply(new StoreCorruptError('Store /var/lib/pv/faces.pv is damaged', { file: '/var/lib/pv/faces.pv', offset: 12 }));
    expect(reply.statusCode).toBe(500);
    expect(reply.body.error.message).toBe('The server could not complete the request');
    expect(JSON.stringify(reply.body)).not.toContain('/var/lib');
  });

  test('file names, nested objects and long strings never reach the details; paths in messages are scrubbed', () => {
    const reply = toErrorReply(
      new BadImageError('Cannot decode /home/me/photo.jpg: truncated', { file: '/home/me/photo.jpg', reason: 'seen in /tmp/x/y.jpg', nested: { a: 1 }, long: 'x'.repeat(500), width: 3 }),
    );
    expect(reply.body.error).toEqual({ code: 'E_BAD_IMAGE', message: 'Cannot decode <path>: truncated', details: { reason: 'seen in <path>', width: 3 } });
  });

  test('API errors keep their status, code, details and headers', () => {
    const error = new ApiError(503, 'E_BUSY', 'busy', { headers: { 'retry-after': '2' }, details: { queue: 4 } });
    expect(toErrorReply(error)).toEqual({ statusCode: 503, body: { error: { code: 'E_BUSY', message: 'busy', details: { queue: 4 } } }, headers: { 'retry-after': '2' } });
  });

  test("Fastify's client errors become HTTP-layer codes; anything else is a bare 500", () => {
    expect(toErrorReply(Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' })).body.error.code).toBe('E_PAYLOAD_TOO_LARGE');
    expect(toErrorReply(Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })).body.error.code).toBe('E_UNSUPPORTED_MEDIA_TYPE');
    expect(toErrorReply(Object.assign(new Error('body/k must be integer'), { statusCode: 400, code: 'FST_ERR_VALIDATION' })).body.error).toEqual({ code: 'E_BAD_REQUEST', message: 'body/k must be integer' });
    const crash = toErrorReply(new TypeError('Cannot read properties of undefined (reading "x") at /srv/app/x.js:1:2'));
    expect(crash).toEqual({ statusCode: 500, body: { error: { code: 'E_INTERNAL', message: 'The server could not complete the request' } }, headers: {} });
  });
});

test('scrubMessage replaces POSIX and Windows paths and shortens long messages', () => {
  expect(scrubMessage('open /etc/pv/keys.json failed')).toBe('open <path> failed');
  expect(scrubMessage('C:\\Users\\me\\x.jpg is bad')).toBe('<path> is bad');
  expect(scrubMessage('a/b ratio')).toBe('a/b ratio');
  expect(scrubMessage('body/embedding/0 must be number')).toBe('body/embedding/0 must be number');
  expect(scrubMessage('"/srv/x/y.db" is locked')).toBe('"<path>" is locked');
  expect(scrubMessage('y'.repeat(400))).toHaveLength(300);
});

describe('toErrorReply of a face rejection', () => {
  it('sends each reason with its measured value and limit, and the measured liveness', () => {
    const rejected = livenessRejection({ liveness: { score: 0.12, threshold: 0.5, live: false } }, '/home/me/visitor.jpg');
    const reply = toErrorReply(rejected);
    expect(reply.statusCode).toBe(422);
    expect(reply.body.error).toEqual({
      code: 'E_FACE_REJECTED',
      message: '<path>: Liveness score 0.120 is below the minimum 0.5',
      details: {
        liveness: { score: 0.12, threshold: 0.5 },
        reasons: [{ code: 'not-live', message: 'Liveness score 0.120 is below the minimum 0.5', measured: 0.12, limit: 0.5 }],
      },
    });
  });
});
