import { createHash } from 'node:crypto';
import { StoreCorruptError, type RecordSource } from '@pv/core';
import { littleEndianBytes } from './byte-order.js';

/** The first 8 bytes of every store file: 0x89 then ASCII `PVSTORE`. */
export const STORE_MAGIC: Readonly<Uint8Array> = Uint8Array.of(0x89, 0x50, 0x56, 0x53, 0x54, 0x4f, 0x52, 0x45);
/** The format version this build writes and the newest it reads. */
export const STORE_FORMAT_VERSION = 1;
/** Size of the fixed header; the body (and the vectors) start here. */
export const HEADER_SIZE = 64;
/** The header bytes `[0, DIGEST_OFFSET)` are covered by the digest stored at `[DIGEST_OFFSET, HEADER_SIZE)`. */
const DIGEST_OFFSET = 32;

const SOURCE_PRESENT = 1;
const SOURCE_FILE = 2;
const SOURCE_BOX = 4;

/** A stored record without its vector and model id (those live in the vector block and the header). */
export interface RecordMeta {
  readonly id: string;
  readonly label: string;
  readonly createdAt: number;
  readonly source?: RecordSource;
}

/** Everything a store file holds. A written store is always bound to a model id and a dimension. */
export interface StoreContents {
  readonly modelId: string;
  readonly dimension: number;
  readonly rows: readonly RecordMeta[];
  /** Row-major vectors; the first `rows.length * dimension` values are used. */
  readonly vectors: Float32Array;
}

/** The decoded fixed header. */
export interface StoreHeader {
  readonly dimension: number;
  readonly count: number;
  readonly modelIdLength: number;
  readonly bodyLength: number;
  readonly digest: Uint8Array;
}

/** The `E_STORE_CORRUPT` error for `file`, with the reason in the message and in `details.reason`. */
export function corruptFile(file: string, reason: string): StoreCorruptError {
  return new StoreCorruptError(`Store file ${file} is unreadable: ${reason}. It was left untouched.`, { file, reason });
}

/** The file's byte chunks (header, vector block, metadata block), digest filled in. */
export function encodeStore(contents: StoreContents): Uint8Array[] {
  const count = contents.rows.length;
  const vectorBytes = littleEndianBytes(contents.vectors.subarray(0, count * contents.dimension));
  const tail = encodeTail(contents.modelId, contents.rows);
  const header = Buffer.alloc(HEADER_SIZE);
  header.set(STORE_MAGIC, 0);
  header.writeUInt16LE(STORE_FORMAT_VERSION, 8);
  header.writeUInt16LE(0, 10);
  header.writeUInt32LE(contents.dimension, 12);
  header.writeUInt32LE(count, 16);
  header.writeUInt32LE(Buffer.byteLength(contents.modelId, 'utf8'), 20);
  header.writeBigUInt64LE(BigInt(vectorBytes.byteLength + tail.byteLength), 24);
  header.set(digestOf(header, vectorBytes, tail), DIGEST_OFFSET);
  return [header, vectorBytes, tail];
}

/** Decodes and checks the fixed header (magic, version, reserved field); `file` names the file in errors. */
export function parseHeader(header: Uint8Array, file: string): StoreHeader {
  const available = Math.min(header.byteLength, STORE_MAGIC.length);
  if (header.subarray(0, available).some((b, i) => b !== STORE_MAGIC[i])) {
    throw corruptFile(file, 'not a pv store file (wrong magic bytes)');
  }
  if (header.byteLength < HEADER_SIZE) {
    throw corruptFile(file, `truncated: ${header.byteLength} bytes, shorter than the ${HEADER_SIZE}-byte header`);
  }
  const bytes = Buffer.from(header.buffer, header.byteOffset, HEADER_SIZE);
  const version = bytes.readUInt16LE(8);
  if (version > STORE_FORMAT_VERSION) {
    throw corruptFile(file, `written in format version ${version}, newer than version ${STORE_FORMAT_VERSION} that this build reads`);
  }
  if (version === 0) throw corruptFile(file, 'format version 0 does not exist');
  if (bytes.readUInt16LE(10) !== 0) throw corruptFile(file, 'reserved header field is not zero');
  const modelIdLength = bytes.readUInt32LE(20);
  if (modelIdLength === 0) throw corruptFile(file, 'empty model id');
  return {
    dimension: bytes.readUInt32LE(12),
    count: bytes.readUInt32LE(16),
    modelIdLength,
    bodyLength: Number(bytes.readBigUInt64LE(24)),
    digest: bytes.subarray(DIGEST_OFFSET, HEADER_SIZE),
  };
}

/** Throws `E_STORE_CORRUPT` unless the stored digest matches the header and body. */
export function checkDigest(header: StoreHeader, headerBytes: Uint8Array, vectorBytes: Uint8Array, tail: Uint8Array, file: string): void {
  const actual = digestOf(headerBytes, vectorBytes, tail);
  if (!actual.equals(header.digest)) throw corruptFile(file, 'checksum mismatch (the file was modified or damaged)');
}

/** Decodes the model id and record metadata that follow the vector block. */
export function decodeTail(tail: Buffer, header: StoreHeader, file: string): { modelId: string; rows: RecordMeta[] } {
  const reader = new TailReader(tail, file);
  const modelId = reader.bytes(header.modelIdLength).toString('utf8');
  const rows: RecordMeta[] = [];
  for (let i = 0; i < header.count; i++) rows.push(reader.record());
  if (reader.offset !== tail.byteLength) throw corruptFile(file, `${tail.byteLength - reader.offset} unexpected bytes after the last record`);
  return { modelId, rows };
}

function digestOf(header: Uint8Array, vectorBytes: Uint8Array, tail: Uint8Array): Buffer {
  return createHash('sha256').update(header.subarray(0, DIGEST_OFFSET)).update(vectorBytes).update(tail).digest();
}

function encodeTail(modelId: string, rows: readonly RecordMeta[]): Buffer {
  let size = Buffer.byteLength(modelId, 'utf8');
  for (const row of rows) {
    size += 4 + Buffer.byteLength(row.id, 'utf8') + 4 + Buffer.byteLength(row.label, 'utf8') + 8 + 1;
    if (row.source?.file !== undefined) size += 4 + Buffer.byteLength(row.source.file, 'utf8');
    if (row.source?.box !== undefined) size += 32;
  }
  const out = Buffer.allocUnsafe(size);
  let offset = out.write(modelId, 0, 'utf8');
  const writeString = (value: string): void => {
    const length = out.write(value, offset + 4, 'utf8');
    out.writeUInt32LE(length, offset);
    offset += 4 + length;
  };
  for (const row of rows) {
    writeString(row.id);
    writeString(row.label);
    offset = out.writeDoubleLE(row.createdAt, offset);
    const source = row.source;
    const flags = source === undefined ? 0 : SOURCE_PRESENT | (source.file !== undefined ? SOURCE_FILE : 0) | (source.box !== undefined ? SOURCE_BOX : 0);
    offset = out.writeUInt8(flags, offset);
    if (source?.file !== undefined) writeString(source.file);
    if (source?.box !== undefined) {
      for (const value of [source.box.x, source.box.y, source.box.width, source.box.height]) offset = out.writeDoubleLE(value, offset);
    }
  }
  return out;
}

/** Bounds-checked sequential reads of the metadata block; any overrun is `E_STORE_CORRUPT`. */
class TailReader {
  offset = 0;

  constructor(
    private readonly tail: Buffer,
    private readonly file: string,
  ) {}

  bytes(length: number): Buffer {
    this.#need(length);
    const slice = this.tail.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  record(): RecordMeta {
    const id = this.#string();
    const label = this.#string();
    const createdAt = this.#double();
    const flags = this.bytes(1)[0] as number;
    if ((flags & ~(SOURCE_PRESENT | SOURCE_FILE | SOURCE_BOX)) !== 0 || (flags !== 0 && (flags & SOURCE_PRESENT) === 0)) {
      throw corruptFile(this.file, `record "${id}" has unknown source flags ${flags}`);
    }
    if ((flags & SOURCE_PRESENT) === 0) return { id, label, createdAt };
    const file = (flags & SOURCE_FILE) !== 0 ? this.#string() : undefined;
    const box =
      (flags & SOURCE_BOX) !== 0 ? { x: this.#double(), y: this.#double(), width: this.#double(), height: this.#double() } : undefined;
    return { id, label, createdAt, source: { ...(file !== undefined ? { file } : {}), ...(box !== undefined ? { box } : {}) } };
  }

  #string(): string {
    this.#need(4);
    const length = this.tail.readUInt32LE(this.offset);
    this.offset += 4;
    return this.bytes(length).toString('utf8');
  }

  #double(): number {
    this.#need(8);
    const value = this.tail.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  #need(length: number): void {
    if (this.offset + length > this.tail.byteLength) throw corruptFile(this.file, 'the record list ends early');
  }
}
