import { strToU8 } from 'fflate';
import { Op } from '../pickle/opcodes.js';

/** Emits protocol-2 pickle opcodes, for writing test checkpoints (test-only). */
export class PickleWriter {
  private readonly chunks: Uint8Array[] = [];

  private op(code: number, ...bytes: number[]): this {
    this.chunks.push(Uint8Array.of(code, ...bytes));
    return this;
  }

  private raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    return this;
  }

  private u32(value: number): number[] {
    return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
  }

  proto(): this {
    return this.op(Op.PROTO, 2);
  }

  stop(): this {
    return this.op(Op.STOP);
  }

  mark(): this {
    return this.op(Op.MARK);
  }

  none(): this {
    return this.op(Op.NONE);
  }

  bool(value: boolean): this {
    return this.op(value ? Op.NEWTRUE : Op.NEWFALSE);
  }

  /** An int: BININT1/BININT2/BININT when it fits, else LONG1. */
  int(value: number | bigint): this {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 0x100) return this.op(Op.BININT1, value);
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 0x10000) return this.op(Op.BININT2, value & 0xff, value >> 8);
    if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value < 0x80000000) return this.op(Op.BININT, ...this.u32(value));
    let rest = BigInt(value);
    const bytes: number[] = [];
    for (;;) {
      const byte = Number(rest & 0xffn);
      bytes.push(byte);
      rest >>= 8n;
      if ((rest === 0n && byte < 0x80) || (rest === -1n && byte >= 0x80)) break;
    }
    return this.op(Op.LONG1, bytes.length, ...bytes);
  }

  str(value: string): this {
    const bytes = strToU8(value);
    return this.op(Op.BINUNICODE, ...this.u32(bytes.length)).raw(bytes);
  }

  global(module: string, name: string): this {
    return this.op(Op.GLOBAL).raw(strToU8(`${module}\n${name}\n`, true));
  }

  emptyTuple(): this {
    return this.op(Op.EMPTY_TUPLE);
  }

  /** Closes the items since the last {@link mark} into a tuple. */
  tuple(): this {
    return this.op(Op.TUPLE);
  }

  emptyDict(): this {
    return this.op(Op.EMPTY_DICT);
  }

  emptyList(): this {
    return this.op(Op.EMPTY_LIST);
  }

  /** Adds the items since the last {@link mark} to the list below them. */
  appends(): this {
    return this.op(Op.APPENDS);
  }

  /** Adds the key/value pairs since the last {@link mark} to the dict below them. */
  setItems(): this {
    return this.op(Op.SETITEMS);
  }

  reduce(): this {
    return this.op(Op.REDUCE);
  }

  build(): this {
    return this.op(Op.BUILD);
  }

  persistentId(): this {
    return this.op(Op.BINPERSID);
  }

  /** Any opcode byte, for writing deliberately bad pickles. */
  opcode(code: number, ...bytes: number[]): this {
    return this.op(code, ...bytes);
  }

  /** The pickle so far. */
  bytes(): Uint8Array {
    const total = this.chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
