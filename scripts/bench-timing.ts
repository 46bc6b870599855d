// Timing helpers shared by the packages' bench/index.ts files (benchmarks only; never shipped).
import { readFileSync } from 'node:fs';
import { section, str, u32, WASM_HEADER } from '../packages/exact-scan/src/wasm-encoding.js';

/** The median (lower middle for an even count) of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

/** Median wall time of `runs` calls of synchronous `work` (after one warm-up call), in nanoseconds. */
export function medianNs(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = process.hrtime.bigint();
    work();
    times.push(Number(process.hrtime.bigint() - started));
  }
  return median(times);
}

/** Median wall time of `runs` calls of `work` (after one warm-up call), in milliseconds. */
export async function medianMs(runs: number, work: () => unknown): Promise<number> {
  await work();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

/** The part of the WebAssembly JavaScript API {@link measureCpuGhz} uses (no DOM types here). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** Dependent integer operations in one iteration of the clock loop. */
const CHAIN = 200;

/**
 * A hand-assembled WebAssembly function `chain(n, p, q)`: n times, x = ((x + p) ^ q) repeated CHAIN / 2
 * times. Every operation needs the one before (add and xor each take one cycle on x86 cores), and p and q
 * are unknown when compiled, so the optimising compiler can neither fold nor overlap them: one iteration
 * takes CHAIN cycles (the loop counter runs beside the chain on another ALU).
 */
function clockModuleBytes(): Uint8Array {
  const I32 = 0x7f;
  const [N, P, Q, X] = [0, 1, 2, 3];
  const chain: number[] = [];
  for (let i = 0; i < CHAIN / 2; i++) chain.push(0x20, P, 0x6a /* i32.add */, 0x20, Q, 0x73 /* i32.xor */);
  const code = [
    1, 1, I32, // one i32 local: x
    0x03, 0x40, // loop
    0x20, X, ...chain, 0x21, X,
    0x20, N, 0x41, 1, 0x6b /* i32.sub */, 0x22, N, 0x0d, 0, // n -= 1; br_if loop
    0x0b,
    0x20, X,
    0x0b,
  ];
  return Uint8Array.from([
    ...WASM_HEADER,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...str('chain'), 0x00, 0]),
    ...section(10, [1, ...u32(code.length), ...code]),
  ]);
}

/** A CPU clock measured by {@link measureCpuGhz}. */
export interface MeasuredClock {
  /** The clock of the fastest trial, GHz: the core's clock while it ran this thread undisturbed. */
  readonly ghz: number;
  /** The median over trials, GHz (lower when the core is shared or the clock changes). */
  readonly medianGhz: number;
  readonly trials: number;
  /** How it was measured, in words, for a benchmark note. */
  readonly method: string;
}

/**
 * Measures the clock of the core this thread runs on, instead of trusting what the OS reports (a VM's
 * `cpu MHz` and `os.cpus()` show the nominal clock, or 0): times a chain of dependent one-cycle integer
 * operations (a hand-assembled WebAssembly loop, see {@link clockModuleBytes}) in `trials` trials of about
 * `trialMs` each, after a warm-up long enough for V8's optimising tier. The fastest trial is the clock (other
 * processes only slow a trial down); boost clocks differ between idle and fully loaded cores, so read it as
 * the clock of one busy core. Throws when the result is implausible (outside 0.2–7 GHz: a compiler folded the chain).
 */
export function measureCpuGhz(options: { readonly trials?: number; readonly trialMs?: number } = {}): MeasuredClock {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const chain = new wasm.Instance(new wasm.Module(clockModuleBytes())).exports.chain as (n: number, p: number, q: number) => number;
  const trials = options.trials ?? 25;
  const trialMs = options.trialMs ?? 10;
  const time = (n: number): number => {
    const started = process.hrtime.bigint();
    chain(n, 0x9e3779b9 | 0, n);
    return Number(process.hrtime.bigint() - started);
  };
  // Warm up (tier-up to the optimising compiler) and size a trial: about trialMs at the speed seen.
  let n = 1000;
  const warmUntil = performance.now() + 200;
  while (performance.now() < warmUntil) if (time(n) < trialMs * 2.5e5) n *= 2;
  const perIteration = time(n) / n;
  n = Math.max(1000, Math.round((trialMs * 1e6) / perIteration));
  const ghz: number[] = [];
  for (let t = 0; t < trials; t++) ghz.push((n * CHAIN) / time(n));
  const fastest = Math.max(...ghz);
  if (!(fastest > 0.2 && fastest < 7)) throw new Error(`Implausible measured clock ${fastest.toFixed(2)} GHz: the dependent chain was not timed as written`);
  return {
    ghz: fastest,
    medianGhz: median(ghz),
    trials,
    method: `a chain of ${CHAIN} dependent one-cycle integer add/xor operations per loop iteration (hand-assembled WebAssembly), fastest of ${trials} trials of ~${trialMs} ms`,
  };
}

/** What one core of this CPU can do per cycle at most, and why we think so. */
export interface CoreThroughput {
  /** The CPU in words (model name, family/model). */
  readonly cpu: string;
  /** fp32 floating-point operations per cycle (a fused multiply-add counts 2). */
  readonly fp32PerCycle: number;
  /** int8 operations per cycle (a multiply-add counts 2), with the CPU's int8 dot-product instructions. */
  readonly int8PerCycle: number;
  /** The assumption behind the figures, in words, for a benchmark note. */
  readonly basis: string;
}

/**
 * Per-cycle peak of one core for fp32 and int8 arithmetic, from /proc/cpuinfo's vendor, family, model and
 * flags (these are published microarchitecture figures, not measurements; multiply by a clock from
 * {@link measureCpuGhz} for a roof). AMD family 26 (Zen 5) server/desktop cores have a full 512-bit
 * datapath: two FMA pipes (2 × 16 fp32 FMA = 64 FLOP/cycle) and two pipes for `vpdpbusd` (AVX-512 VNNI: 64
 * u8×s8 multiply-adds per 512-bit instruction, 2 × 64 × 2 = 256 int8 ops/cycle). Zen 4 (family 25 with
 * AVX-512) runs 512-bit instructions on 256-bit halves: 32 FLOP and 128 int8 ops per cycle. Anything else with
 * FMA is taken as two 256-bit FMA units (32 FLOP/cycle) and, with VNNI, two 256-bit `vpdpbusd` (128 int8 ops/cycle).
 */
export function coreThroughput(cpuinfo: string = readCpuinfo()): CoreThroughput {
  const field = (name: string): string => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'mu').exec(cpuinfo)?.[1]?.trim() ?? '';
  const flags = new Set(field('flags').split(/\s+/u));
  const vendor = field('vendor_id');
  const family = Number(field('cpu family'));
  const model = Number(field('model'));
  const cpu = `${field('model name') || 'unknown CPU'} (family ${family}, model ${model})`;
  const vnni = flags.has('avx512_vnni') || flags.has('avx_vnni');
  if (vendor === 'AuthenticAMD' && family === 26 && model < 0x20 && flags.has('avx512f')) {
    return {
      cpu,
      fp32PerCycle: 64,
      int8PerCycle: vnni ? 256 : 128,
      basis: 'Zen 5 server core (family 26, model < 0x20), full 512-bit datapath: 2 FMA pipes x 16 fp32 multiply-adds = 64 FLOP/cycle; 2 vpdpbusd (AVX-512 VNNI) per cycle x 64 u8·s8 multiply-adds = 256 int8 ops/cycle (AMD\'s published Zen 5 figures; with one VNNI pipe the int8 roof would be half)',
    };
  }
  if (vendor === 'AuthenticAMD' && family === 25 && flags.has('avx512f')) {
    return {
      cpu,
      fp32PerCycle: 32,
      int8PerCycle: vnni ? 128 : 64,
      basis: 'Zen 4 core (family 25 with AVX-512): 512-bit instructions on two 256-bit halves, 2 x 8 fp32 FMA = 32 FLOP/cycle; 2 x 256-bit vpdpbusd x 32 multiply-adds = 128 int8 ops/cycle',
    };
  }
  return {
    cpu,
    fp32PerCycle: 32,
    int8PerCycle: vnni ? 128 : 64,
    basis: `assumed two 256-bit FMA units (32 FLOP/cycle) and ${vnni ? 'two 256-bit VNNI dot products (128 int8 ops/cycle)' : 'vpmaddubsw-based int8 (64 ops/cycle)'}; not a known microarchitecture`,
  };
}

function readCpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}
