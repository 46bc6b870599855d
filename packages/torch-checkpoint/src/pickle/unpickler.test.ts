import { describe, expect, it } from 'vitest';
import { ByteReader } from '../byte-reader.js';
import { CheckpointFormatError, ForbiddenPickleGlobalError } from '../errors.js';
import { PickleWriter } from '../testing/index.fixture.js';
import { resolveStateDictGlobal } from '../torch/globals.js';
import { Op } from './opcodes.js';
import { unpickle } from './unpickler.js';
import { PickleDict, PickleTuple, type PickleValue } from './values.js';

const fromHex = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../gu) ?? [], (byte) => Number.parseInt(byte, 16));
const load = (bytes: Uint8Array): PickleValue => unpickle(new ByteReader(bytes, 0, 'pickle'));

// Python 3.11: pickle.dumps(value, protocol=4) of
// {'a': [1, -2, 3.5, None, True, False], 't1': (1,), 't2': (1, 2), 't3': (1, 2, 3), 't4': (1, 2, 3, 4),
//  'bytes': b'xy', 'big': 2**70, 'neg': -2**70, 's': 'héllo', 'n': -1, 'i2': 1000, 'i4': 100000,
//  'shared1': shared, 'shared2': shared, 'empty': (), 'd': {}}   with shared = [7, 8]
const PROTOCOL_4 =
  '800495d5000000000000007d94288c0161945d94284b014afeffffff47400c0000000000004e8889658c027431944b0185948c027432944b014b0286948c027433944b014b024b0387948c02743494284b014b024b034b0474948c0562797465739443027879948c03626967948a090000000000000000408c036e6567948a090000000000000000c08c0173948c0668c3a96c6c6f948c016e944affffffff8c026932944de8038c026934944aa08601008c0773686172656431945d94284b074b08658c07736861726564329468158c05656d70747994298c0164947d94752e';

describe('unpickle', () => {
  it('decodes the plain data a Python pickle (protocol 4) holds', () => {
    const value = load(fromHex(PROTOCOL_4));
    expect(value).toBeInstanceOf(PickleDict);
    const dict = value as PickleDict;
    expect(dict.get('a')).toEqual([1, -2, 3.5, null, true, false]);
    expect(dict.get('t1')).toEqual(new PickleTuple([1]));
    expect(dict.get('t2')).toEqual(new PickleTuple([1, 2]));
    expect(dict.get('t3')).toEqual(new PickleTuple([1, 2, 3]));
    expect(dict.get('t4')).toEqual(new PickleTuple([1, 2, 3, 4]));
    expect(dict.get('bytes')).toEqual(new Uint8Array([0x78, 0x79]));
    expect(dict.get('big')).toBe(2n ** 70n);
    expect(dict.get('neg')).toBe(-(2n ** 70n));
    expect(dict.get('s')).toBe('héllo');
    expect(dict.get('n')).toBe(-1);
    expect(dict.get('i2')).toBe(1000);
    expect(dict.get('i4')).toBe(100000);
    expect(dict.get('shared1')).toBe(dict.get('shared2'));
    expect(dict.get('empty')).toEqual(new PickleTuple([]));
    expect(dict.get('d')).toEqual(new PickleDict());
  });

  it('refuses protocol-2 bytes, which need the _codecs.encode global', () => {
    // Python 3.11: pickle.dumps(b'xy', protocol=2)
    const pickle = fromHex('8002635f636f646563730a656e636f64650a710058020000007879710158060000006c6174696e3171028671035271042e');
    expect(() => load(pickle)).toThrow(ForbiddenPickleGlobalError);
    expect(() => load(pickle)).toThrow(/_codecs\.encode/u);
  });

  it('refuses os.system and never runs it', () => {
    // What `class X: __reduce__ = lambda self: (os.system, ('echo pwned',))` pickles to.
    const pickle = new PickleWriter().proto().global('posix', 'system').mark().str('echo pwned').tuple().reduce().stop().bytes();
    const attempt = () => unpickle(new ByteReader(pickle), { resolveGlobal: resolveStateDictGlobal });
    expect(attempt).toThrow(ForbiddenPickleGlobalError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'E_MODEL_FORMAT', details: expect.objectContaining({ module: 'posix', name: 'system' }) }));
  });

  it('refuses STACK_GLOBAL names that are not allowed', () => {
    const pickle = new PickleWriter().proto().str('builtins').str('eval').opcode(Op.STACK_GLOBAL).stop().bytes();
    expect(() => unpickle(new ByteReader(pickle), { resolveGlobal: resolveStateDictGlobal })).toThrow(ForbiddenPickleGlobalError);
  });

  it('refuses object-building opcodes outside the restricted set (INST, OBJ, NEWOBJ, EXT1)', () => {
    for (const opcode of [0x69, 0x6f, 0x81, 0x82]) {
      const pickle = new PickleWriter().proto().mark().opcode(opcode).stop().bytes();
      expect(() => load(pickle)).toThrow(expect.objectContaining({ reason: 'unsupported-opcode' }));
    }
  });

  it('reports half-precision storages as an unsupported dtype, not as a forbidden global', () => {
    const pickle = new PickleWriter().proto().global('torch', 'HalfStorage').stop().bytes();
    expect(() => unpickle(new ByteReader(pickle), { resolveGlobal: resolveStateDictGlobal })).toThrow(
      expect.objectContaining({ reason: 'unsupported-dtype' }),
    );
  });

  it('reports structural errors as malformed', () => {
    const cases: Uint8Array[] = [
      new PickleWriter().proto().reduce().stop().bytes(), // stack underflow
      new PickleWriter().proto().opcode(Op.BINGET, 3).stop().bytes(), // unknown memo entry
      new PickleWriter().proto().int(1).int(2).stop().bytes(), // two values left at STOP
      new PickleWriter().proto().int(1).emptyTuple().reduce().stop().bytes(), // calling a number
      new PickleWriter().proto().emptyList().int(1).int(2).opcode(Op.SETITEM).stop().bytes(), // SETITEM on a list
      new PickleWriter().proto().persistentId().stop().bytes(), // persistent id without a loader
    ];
    for (const pickle of cases) expect(() => load(pickle)).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('reports a pickle without STOP as truncated', () => {
    expect(() => load(new PickleWriter().proto().int(1).bytes())).toThrow(expect.objectContaining({ reason: 'truncated' }));
  });
});
