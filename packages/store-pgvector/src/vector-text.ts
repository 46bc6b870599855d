import { StoreCorruptError } from '@pv/core';
import pgvector from 'pgvector';

/**
 * pgvector's text form of `vector` (`[x,y,…]`). Each float32 is written as the shortest decimal of its
 * double value, which pgvector reads back as the same float32, and -0 keeps its sign (pgvector's own
 * `toSql` goes through JSON, which writes -0 as 0): vectors survive the round trip bit for bit.
 */
export function vectorToSql(vector: Float32Array): string {
  return `[${Array.from(vector, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')}]`;
}

/** Parses pgvector's text form back into a Float32Array (with the `pgvector` package's parser). */
export function vectorFromSql(text: string): Float32Array {
  const values = pgvector.fromSql(text);
  if (!Array.isArray(values)) throw new StoreCorruptError('Expected a vector column in pgvector text form', { text: text.slice(0, 40) });
  return Float32Array.from(values);
}
