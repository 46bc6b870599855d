import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultWasmThreads } from './ort-wasm.js';

describe('defaultWasmThreads', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is 1 where the page is not cross-origin isolated (and in Node)', () => {
    expect(defaultWasmThreads()).toBe(1);
    vi.stubGlobal('crossOriginIsolated', false);
    expect(defaultWasmThreads()).toBe(1);
  });

  it('is half the cores, at most 4, on a cross-origin isolated page', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    for (const [cores, threads] of [
      [1, 1],
      [2, 1],
      [6, 3],
      [16, 4],
    ] as const) {
      vi.stubGlobal('navigator', { hardwareConcurrency: cores });
      expect(defaultWasmThreads()).toBe(threads);
    }
  });
});
