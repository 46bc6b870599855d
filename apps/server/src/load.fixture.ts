// A bounded load run against a pv server with autocannon: used by the load test and the benchmark.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';

/** A request body and its Content-Type. */
export interface RequestBody {
  readonly body: Buffer;
  readonly contentType: string;
}

/** A multipart/form-data body holding one file, built once so every request sends the same bytes. */
export function multipartFile(field: string, fileName: string, bytes: Uint8Array, type = 'image/jpeg'): RequestBody {
  const boundary = `----pv${randomBytes(12).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${fileName}"\r\nContent-Type: ${type}\r\n\r\n`;
  return { body: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A JSON body. */
export function jsonBody(value: unknown): RequestBody {
  return { body: Buffer.from(JSON.stringify(value)), contentType: 'application/json' };
}

/** What a load run measured. */
export interface LoadResult {
  /** Requests answered. */
  readonly requests: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Answers that were not 2xx. */
  readonly non2xx: number;
  /** Answers per second over the run. */
  readonly perSecond: number;
  /** Latency percentiles and maximum, milliseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly seconds: number;
}

/**
 * POSTs `body` to `url` from `connections` connections for `seconds` seconds (autocannon), with the key as
 * `Authorization: Bearer` (pv's `/v1`) or `x-api-key` (the CompreFace API).
 */
export async function runLoad(
  url: string,
  apiKey: string,
  body: RequestBody,
  connections: number,
  seconds: number,
  keyHeader: 'authorization' | 'x-api-key' = 'authorization',
): Promise<LoadResult> {
  const key = keyHeader === 'authorization' ? { authorization: `Bearer ${apiKey}` } : { 'x-api-key': apiKey };
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { ...key, 'content-type': body.contentType },
    body: body.body,
    connections,
    duration: seconds,
    timeout: 30,
  });
  return {
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    perSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    seconds: result.duration,
  };
}
