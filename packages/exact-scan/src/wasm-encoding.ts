// The few pieces of the WebAssembly binary format pv's hand-assembled modules need (the int8 kernel here,
// the clock loop of scripts/bench-timing.ts): unsigned LEB128 numbers, names and sections.

/** Unsigned LEB128. */
export function u32(n: number): number[] {
  const bytes: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (v !== 0);
  return bytes;
}

/** A name: its length, then its bytes (ASCII). */
export function str(s: string): number[] {
  return [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/** A section: its id, its size, then `body`. */
export function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

/** The module header: magic number and version 1. */
export const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;
