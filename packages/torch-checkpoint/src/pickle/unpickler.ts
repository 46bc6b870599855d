import { strFromU8 } from 'fflate';
import type { ByteReader } from '../byte-reader.js';
import { CheckpointFormatError, ForbiddenPickleGlobalError } from '../errors.js';
import { Op } from './opcodes.js';
import {
  isPickleGlobal,
  isPickleKey,
  PickleDict,
  PickleTuple,
  type PickleGlobal,
  type PickleValue,
} from './values.js';

/** What a restricted unpickling may use besides plain data. */
export interface UnpickleOptions {
  /**
   * Returns the allowed global `module.name`, or `undefined` to refuse it (the unpickler then throws
   * {@link ForbiddenPickleGlobalError}). Omitted: no global is allowed.
   */
  readonly resolveGlobal?: (module: string, name: string) => PickleGlobal | undefined;
  /** Resolves a persistent id (`BINPERSID`). Omitted: persistent ids are refused as `malformed`. */
  readonly persistentLoad?: (id: PickleValue) => PickleValue;
}

const MAX_PROTOCOL = 5;

function malformed(reader: ByteReader, message: string): CheckpointFormatError {
  return new CheckpointFormatError('malformed', `Malformed ${reader.context}: ${message}`, {
    offset: reader.position,
  });
}

/** Little-endian two's complement integer of `bytes` (pickle's LONG1/LONG4), as a number when it is safe. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function lengthOf(reader: ByteReader, length: number): number {
  if (length < 0) throw malformed(reader, 'negative length');
  return length;
}

/**
 * Reads one pickle from `reader` (up to and including its `STOP`) and returns the value it builds.
 *
 * Only data opcodes of the binary protocols are understood; the object-creating opcodes of protocol 0/1
 * (`INST`, `OBJ`), `NEWOBJ`, extension registries and out-of-band buffers are refused with an
 * `unsupported-opcode` error, and every global goes through `options.resolveGlobal`. Nothing in the file
 * is ever executed.
 */
export function unpickle(reader: ByteReader, options: UnpickleOptions = {}): PickleValue {
  let stack: PickleValue[] = [];
  const marks: PickleValue[][] = [];
  const memo = new Map<number, PickleValue>();

  const pop = (): PickleValue => {
    if (stack.length === 0) throw malformed(reader, 'stack underflow');
    return stack.pop() as PickleValue;
  };
  const top = (): PickleValue => {
    if (stack.length === 0) throw malformed(reader, 'stack underflow');
    return stack[stack.length - 1] as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (previous === undefined) throw malformed(reader, 'no MARK on the stack');
    stack = previous;
    return items;
  };
  const memoGet = (index: number): PickleValue => {
    if (!memo.has(index)) throw malformed(reader, `memo entry ${index} is not defined`);
    return memo.get(index) as PickleValue;
  };
  const global = (module: string, name: string): PickleGlobal => {
    const resolved = options.resolveGlobal?.(module, name);
    if (resolved === undefined) throw new ForbiddenPickleGlobalError(module, name);
    return resolved;
  };
  const setItems = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!(target instanceof PickleDict)) throw malformed(reader, 'SETITEM on something that is not a dict');
    if (items.length % 2 !== 0) throw malformed(reader, 'odd number of items for a dict');
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i] as PickleValue;
      if (!isPickleKey(key)) throw malformed(reader, 'dict key of an unsupported type');
      target.set(key, items[i + 1] as PickleValue);
    }
  };
  const append = (target: PickleValue, items: readonly PickleValue[]): void => {
    if (!Array.isArray(target)) throw malformed(reader, 'APPEND on something that is not a list');
    target.push(...items);
  };

  for (;;) {
    const opcodeOffset = reader.position;
    const opcode = reader.u8();
    switch (opcode) {
      case Op.PROTO: {
        const protocol = reader.u8();
        if (protocol > MAX_PROTOCOL) throw malformed(reader, `unsupported pickle protocol ${protocol}`);
        break;
      }
      case Op.FRAME:
        reader.u64();
        break;
      case Op.STOP:
        if (stack.length !== 1 || marks.length !== 0) throw malformed(reader, 'STOP with an unbalanced stack');
        return stack[0] as PickleValue;
      case Op.MARK:
        marks.push(stack);
        stack = [];
        break;
      case Op.POP:
        pop();
        break;
      case Op.POP_MARK:
        popMark();
        break;
      case Op.DUP:
        stack.push(top());
        break;
      case Op.NONE:
        stack.push(null);
        break;
      case Op.NEWTRUE:
        stack.push(true);
        break;
      case Op.NEWFALSE:
        stack.push(false);
        break;
      case Op.BININT:
        stack.push(reader.i32());
        break;
      case Op.BININT1:
        stack.push(reader.u8());
        break;
      case Op.BININT2:
        stack.push(reader.u16());
        break;
      case Op.LONG1:
        stack.push(decodeLong(reader.take(reader.u8())));
        break;
      case Op.LONG4:
        stack.push(decodeLong(reader.take(lengthOf(reader, reader.i32()))));
        break;
      case Op.BINFLOAT:
        stack.push(reader.f64BigEndian());
        break;
      case Op.SHORT_BINUNICODE:
        stack.push(strFromU8(reader.take(reader.u8())));
        break;
      case Op.BINUNICODE:
        stack.push(strFromU8(reader.take(reader.u32())));
        break;
      case Op.BINUNICODE8:
        stack.push(strFromU8(reader.take(reader.u64())));
        break;
      case Op.SHORT_BINSTRING:
        stack.push(strFromU8(reader.take(reader.u8()), true));
        break;
      case Op.BINSTRING:
        stack.push(strFromU8(reader.take(lengthOf(reader, reader.i32())), true));
        break;
      case Op.SHORT_BINBYTES:
        stack.push(reader.take(reader.u8()).slice());
        break;
      case Op.BINBYTES:
        stack.push(reader.take(reader.u32()).slice());
        break;
      case Op.BINBYTES8:
        stack.push(reader.take(reader.u64()).slice());
        break;
      case Op.EMPTY_LIST:
        stack.push([]);
        break;
      case Op.LIST: {
        const items = popMark();
        stack.push(items);
        break;
      }
      case Op.APPEND: {
        const item = pop();
        append(top(), [item]);
        break;
      }
      case Op.APPENDS: {
        const items = popMark();
        append(top(), items);
        break;
      }
      case Op.EMPTY_TUPLE:
        stack.push(new PickleTuple([]));
        break;
      case Op.TUPLE: {
        const items = popMark();
        stack.push(new PickleTuple(items));
        break;
      }
      case Op.TUPLE1: {
        const a = pop();
        stack.push(new PickleTuple([a]));
        break;
      }
      case Op.TUPLE2: {
        const b = pop();
        const a = pop();
        stack.push(new PickleTuple([a, b]));
        break;
      }
      case Op.TUPLE3: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PickleTuple([a, b, c]));
        break;
      }
      case Op.EMPTY_DICT:
        stack.push(new PickleDict());
        break;
      case Op.DICT: {
        const items = popMark();
        const dict = new PickleDict();
        setItems(dict, items);
        stack.push(dict);
        break;
      }
      case Op.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case Op.SETITEMS: {
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case Op.BINPUT:
        memo.set(reader.u8(), top());
        break;
      case Op.LONG_BINPUT:
        memo.set(reader.u32(), top());
        break;
      case Op.MEMOIZE:
        memo.set(memo.size, top());
        break;
      case Op.BINGET:
        stack.push(memoGet(reader.u8()));
        break;
      case Op.LONG_BINGET:
        stack.push(memoGet(reader.u32()));
        break;
      case Op.GLOBAL: {
        const module = strFromU8(reader.line(), true);
        const name = strFromU8(reader.line(), true);
        stack.push(global(module, name));
        break;
      }
      case Op.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw malformed(reader, 'STACK_GLOBAL needs two strings');
        stack.push(global(module, name));
        break;
      }
      case Op.REDUCE: {
        const args = pop();
        const callable = pop();
        if (!(args instanceof PickleTuple)) throw malformed(reader, 'REDUCE arguments are not a tuple');
        if (!isPickleGlobal(callable)) throw malformed(reader, 'REDUCE on something that is not a global');
        stack.push(callable.call(args.items));
        break;
      }
      case Op.BUILD: {
        const state = pop();
        const target = top();
        if (!(target instanceof PickleDict) || !(state instanceof PickleDict)) {
          throw malformed(reader, 'BUILD is only supported for dict attributes');
        }
        for (const [key, value] of state) {
          if (typeof key !== 'string') throw malformed(reader, 'attribute name is not a string');
          target.attributes.set(key, value);
        }
        break;
      }
      case Op.BINPERSID: {
        const id = pop();
        if (options.persistentLoad === undefined) throw malformed(reader, 'unexpected persistent id');
        stack.push(options.persistentLoad(id));
        break;
      }
      default:
        throw new CheckpointFormatError(
          'unsupported-opcode',
          `Unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')} at offset ${opcodeOffset} of the ${reader.context}`,
          { opcode, offset: opcodeOffset },
        );
    }
  }
}
