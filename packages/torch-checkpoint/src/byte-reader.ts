import { CheckpointFormatError } from './errors.js';

/** A cursor over little-endian bytes that throws a `truncated` {@link CheckpointFormatError} at the end. */
export class ByteReader {
  private readonly view: DataView;
  /** Current offset in `bytes`. */
  position: number;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** What is being read, for error messages (e.g. `pickle`, `storage 3`). */
    readonly context = 'checkpoint',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = start;
  }

  /** True when every byte has been consumed. */
  get atEnd(): boolean {
    return this.position >= this.bytes.length;
  }

  /** Throws unless `count` more bytes are available. */
  require(count: number): void {
    if (count < 0 || this.position + count > this.bytes.length) {
      throw new CheckpointFormatError(
        'truncated',
        `The ${this.context} is truncated: needed ${count} bytes at offset ${this.position} of ${this.bytes.length}`,
        { offset: this.position, needed: count, length: this.bytes.length },
      );
    }
  }

  /** One unsigned byte. */
  u8(): number {
    this.require(1);
    return this.view.getUint8(this.position++);
  }

  /** An unsigned 16-bit integer. */
  u16(): number {
    this.require(2);
    const value = this.view.getUint16(this.position, true);
    this.position += 2;
    return value;
  }

  /** An unsigned 32-bit integer. */
  u32(): number {
    this.require(4);
    const value = this.view.getUint32(this.position, true);
    this.position += 4;
    return value;
  }

  /** A signed 32-bit integer. */
  i32(): number {
    this.require(4);
    const value = this.view.getInt32(this.position, true);
    this.position += 4;
    return value;
  }

  /** An unsigned 64-bit integer as a number; throws `malformed` above 2^53. */
  u64(): number {
    this.require(8);
    const value = this.view.getBigUint64(this.position, true);
    this.position += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new CheckpointFormatError('malformed', `A 64-bit length in the ${this.context} is implausibly large`, {
        offset: this.position - 8,
      });
    }
    return Number(value);
  }

  /** A big-endian IEEE double (pickle's `BINFLOAT`). */
  f64BigEndian(): number {
    this.require(8);
    const value = this.view.getFloat64(this.position, false);
    this.position += 8;
    return value;
  }

  /** The bytes up to the next `\n` (which is consumed but not returned). */
  line(): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.require(this.bytes.length - this.position + 1);
    const line = this.bytes.subarray(this.position, end);
    this.position = end + 1;
    return line;
  }

  /** `count` bytes as a view (no copy). */
  take(count: number): Uint8Array {
    this.require(count);
    const slice = this.bytes.subarray(this.position, this.position + count);
    this.position += count;
    return slice;
  }
}
