// A vitest setup file. With PV_FC_SEEDS=<first>:<count> set (scripts/property-seeds.ts sets it), every
// `fc.assert` of every test file runs its property once per seed first, first+1, … first+count-1 (a failure
// message names the seed that reproduces it). Without it, fast-check draws a random seed per property.
import { vi } from 'vitest';

vi.mock('fast-check', async (importOriginal) => {
  const real = await importOriginal<typeof import('fast-check')>();
  const seeds = seedsFromEnvironment(process.env.PV_FC_SEEDS);
  if (seeds === null) return real;
  const assert: typeof real.assert = ((property: Parameters<typeof real.assert>[0], params?: Parameters<typeof real.assert>[1]) => {
    let i = 0;
    const next = (): unknown => {
      while (i < seeds.length) {
        const result: unknown = real.assert(property, { ...params, seed: seeds[i++] as number });
        if (result instanceof Promise) return result.then(next);
      }
      return undefined;
    };
    return next();
  }) as typeof real.assert;
  return { ...real, assert, default: { ...real.default, assert } };
});

function seedsFromEnvironment(text: string | undefined): number[] | null {
  if (text === undefined || text === '') return null;
  const [first, count = 1] = text.split(':').map(Number);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(count) || count < 1) {
    throw new Error(`PV_FC_SEEDS must be <first seed>:<count>, not "${text}"`);
  }
  return Array.from({ length: count }, (_, i) => ((first as number) + i) | 0);
}
