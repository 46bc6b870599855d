import { expect, test } from 'vitest';
import { ShedLog, type ShedLine } from './shed-log.js';

test('logs at most one line per interval, counting the refusals it left out', () => {
  let now = 10_000;
  const lines: ShedLine[] = [];
  const log = new ShedLog((line) => lines.push(line), 1000, () => now);
  log.note('E_BUSY');
  for (let i = 0; i < 500; i++) {
    now += 1;
    log.note('E_BUSY');
  }
  expect(lines).toEqual([{ code: 'E_BUSY', suppressed: 0 }]);
  now += 1000;
  log.note('E_BUSY');
  expect(lines).toEqual([
    { code: 'E_BUSY', suppressed: 0 },
    { code: 'E_BUSY', suppressed: 500 },
  ]);
});
