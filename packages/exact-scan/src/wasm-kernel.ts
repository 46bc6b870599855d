// The int8 dot-product kernel: a hand-assembled WebAssembly module (SIMD) of a few hundred bytes, so it
// needs no toolchain, no file to fetch and no bundler support, and compiles synchronously in Node and in
// browsers (Chromium allows synchronous compilation of modules under 4 KiB on the main thread).
//
//   dot_i8(query, base, rows, stride, out):
//     for r in [0, rows): out[r] = Σ_j int8(query[j]) · int8(base[r·stride + j]),  j ∈ [0, stride)
//
// `stride` is a multiple of 32; each inner step loads 2 × 16 bytes of row and query, widens them to
// int16 and accumulates with i32x4.dot_i16x8_s. Exact integer arithmetic: no rounding anywhere.

import { section, str, u32, WASM_HEADER } from './wasm-encoding.js';

// The part of the WebAssembly JavaScript API used here (the ES lib has none without DOM types; Node and
// browsers both provide it).
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer);
    }
    class Memory {
      constructor(descriptor: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
      grow(deltaPages: number): number;
    }
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  }
}

const I32 = 0x7f;
const V128 = 0x7b;
const simd = (op: number, ...immediates: number[]): number[] => [0xfd, ...u32(op), ...immediates];
const get = (i: number): number[] => [0x20, i];
const set = (i: number): number[] => [0x21, i];
const tee = (i: number): number[] => [0x22, i];
const i32c = (n: number): number[] => [0x41, ...u32(n)]; // small non-negative constants only
const V128_LOAD = (offset: number): number[] => simd(0x00, 0x00, ...u32(offset));
const EXTEND_LOW_S = simd(0x87);
const EXTEND_HIGH_S = simd(0x88);
const DOT_I16 = simd(0xba);
const I32X4_ADD = simd(0xae);
const lane = (i: number): number[] => simd(0x1b, i);

// Parameters and locals of dot_i8.
const Q = 0;
const BASE = 1;
const ROWS = 2;
const STRIDE = 3;
const OUT = 4;
const R = 5;
const P = 6;
const END = 7;
const QQ = 8;
const ACC = 9;
const A = 10;
const B = 11;

/** acc += dot(widen(a), widen(b)) for the low and high halves of 16 bytes at p+offset and qq+offset. */
function step(offset: number): number[] {
  return [
    ...get(P), ...V128_LOAD(offset), ...set(A),
    ...get(QQ), ...V128_LOAD(offset), ...set(B),
    ...get(ACC),
    ...get(A), ...EXTEND_LOW_S, ...get(B), ...EXTEND_LOW_S, ...DOT_I16, ...I32X4_ADD,
    ...get(A), ...EXTEND_HIGH_S, ...get(B), ...EXTEND_HIGH_S, ...DOT_I16, ...I32X4_ADD,
    ...set(ACC),
  ];
}

function dotI8Body(): number[] {
  const code = [
    0x02, 0x40, // block
    0x03, 0x40, // loop (rows)
    ...get(R), ...get(ROWS), 0x4f /* i32.ge_u */, 0x0d, 1, // br_if exit
    ...get(BASE), ...get(R), ...get(STRIDE), 0x6c /* i32.mul */, 0x6a /* i32.add */, ...tee(P),
    ...get(STRIDE), 0x6a, ...set(END),
    ...get(Q), ...set(QQ),
    ...simd(0x0c, ...new Array<number>(16).fill(0)), ...set(ACC),
    0x03, 0x40, // loop (32 bytes a step)
    ...step(0),
    ...step(16),
    ...get(P), ...i32c(32), 0x6a, ...tee(P),
    ...get(QQ), ...i32c(32), 0x6a, ...set(QQ),
    ...get(END), 0x49 /* i32.lt_u */, 0x0d, 0, // br_if inner
    0x0b,
    ...get(OUT), ...get(R), ...i32c(2), 0x74 /* i32.shl */, 0x6a,
    ...get(ACC), ...lane(0), ...get(ACC), ...lane(1), 0x6a, ...get(ACC), ...lane(2), 0x6a, ...get(ACC), ...lane(3), 0x6a,
    0x36, 0x02, 0x00, // i32.store
    ...get(R), ...i32c(1), 0x6a, ...set(R),
    0x0c, 0, // br rows
    0x0b,
    0x0b,
    0x0b, // end of function
  ];
  const locals = [2, 4, I32, 3, V128];
  const body = [...locals, ...code];
  return [...u32(body.length), ...body];
}

/** The module's bytes: imports `env.memory`, exports `dot_i8`. */
export function kernelBytes(): Uint8Array {
  const type = section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]);
  const imports = section(2, [1, ...str('env'), ...str('memory'), 0x02, 0x00, 1]);
  const functions = section(3, [1, 0]);
  const exports = section(7, [1, ...str('dot_i8'), 0x00, 0]);
  const code = section(10, [1, ...dotI8Body()]);
  return Uint8Array.from([...WASM_HEADER, ...type, ...imports, ...functions, ...exports, ...code]);
}

/** An instantiated kernel over its own memory. */
export interface Kernel {
  readonly memory: WebAssembly.Memory;
  dotI8(query: number, base: number, rows: number, stride: number, out: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** Whether this runtime has WebAssembly with fixed-width SIMD (Node 16.4+, every current browser). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(kernelBytes());
  } catch {
    return false;
  }
}

/** Compiles (once per process) and instantiates the kernel on a new memory of `pages` 64 KiB pages. */
export function instantiateKernel(pages: number): Kernel {
  compiled ??= new WebAssembly.Module(kernelBytes());
  const memory = new WebAssembly.Memory({ initial: pages });
  const instance = new WebAssembly.Instance(compiled, { env: { memory } });
  const dot = instance.exports.dot_i8 as (q: number, b: number, r: number, s: number, o: number) => void;
  return { memory, dotI8: dot };
}
