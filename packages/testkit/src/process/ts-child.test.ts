import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startTsChild } from './ts-child.js';

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ts-child.fixture.ts');

describe('startTsChild', () => {
  it('collects whole stdout lines, waits for them and ends when stdin closes', { timeout: 60_000 }, async () => {
    const child = startTsChild(script, ['echo', 'one', 'two', 'three']);
    await child.waitFor((lines) => lines.includes('three'));
    expect(child.lines).toEqual(['one', 'two', 'three']);
    // Already true: resolves at once.
    await child.waitFor((lines) => lines.includes('one'));
    child.process.stdin.end();
    expect(await child.exited).toEqual({ code: 0, signal: null, stderr: '' });
    expect(child.lines).toEqual(['one', 'two', 'three', 'bye']);
  });

  it('rejects a wait the child ends before, with its stderr, and reports the exit code', { timeout: 60_000 }, async () => {
    const child = startTsChild(script, ['fail']);
    await expect(child.waitFor((lines) => lines.length > 0)).rejects.toThrow(/code 3.*\n.*broken/s);
    expect(await child.exited).toEqual({ code: 3, signal: null, stderr: 'broken\n' });
    expect(child.lines).toEqual([]);
  });

  it('reports the signal that killed the child', { timeout: 60_000 }, async () => {
    const child = startTsChild(script, ['echo', 'up']);
    await child.waitFor((lines) => lines.includes('up'));
    child.process.kill('SIGKILL');
    expect(await child.exited).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(child.lines).toEqual(['up']);
  });
});
