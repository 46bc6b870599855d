import { isPvError, type PvErrorCode } from '@pv/core';
import { expect } from 'vitest';

/**
 * Asserts that `action` (a promise, or a function that throws or returns a promise) fails with a
 * `PvError` of `code`, and returns that error for further checks.
 *
 * @example
 * ```ts
 * await expectPvError(store.add([badRecord]), 'E_DIM_MISMATCH');
 * ```
 */
export async function expectPvError(
  action: Promise<unknown> | (() => unknown),
  code: PvErrorCode,
): Promise<Error> {
  let failure: unknown;
  let failed = false;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    failed = true;
    failure = error;
  }
  expect(failed, `expected a PvError with code ${code}, but nothing was thrown`).toBe(true);
  expect(
    isPvError(failure, code),
    `expected a PvError with code ${code}, got ${describeError(failure)}`,
  ).toBe(true);
  return failure as Error;
}

function describeError(error: unknown): string {
  if (isPvError(error)) return `${error.name} (${error.code}): ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
