import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminalProgress } from './progress.js';

/** A stream that records what is written and claims (or not) to be a terminal. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; output: () => string } {
  const chunks: string[] = [];
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & Record<string, unknown>;
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  Object.assign(stream, {
    isTTY,
    columns: 100,
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
  });
  return { stream, output: () => chunks.join('') };
}

describe('createTerminalProgress', () => {
  it('draws a bar with the model id and sizes on a terminal', async () => {
    const { stream, output } = fakeStream(true);
    const progress = createTerminalProgress(stream);
    progress.onProgress({ id: 'rfb320', receivedBytes: 0, totalBytes: 41_114_878 });
    progress.onProgress({ id: 'rfb320', receivedBytes: 41_114_878, totalBytes: 41_114_878 });
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toContain('rfb320');
    expect(output()).toContain('41.1 / 41.1 MB');
    expect(output()).toContain('100%');
  });

  it('draws nothing when the stream is not a terminal', async () => {
    const { stream, output } = fakeStream(false);
    const progress = createTerminalProgress(stream);
    progress.onProgress({ id: 'rfb320', receivedBytes: 10, totalBytes: 100 });
    progress.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(output()).toBe('');
  });
});
