import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { unknownLabelError } from './unknown-label.js';

describe('unknownLabelError', () => {
  it('suggests an enrolled label differing only by case, and nothing otherwise', async () => {
    const store = new MemoryStore({ modelId: 'm', dimension: 1 });
    await store.add([{ label: 'Alice', vector: Float32Array.of(1), modelId: 'm' }]);
    const near = await unknownLabelError(store, 'alice');
    expect(near).toMatchObject({ code: 'E_NOT_FOUND', details: { label: 'alice', suggestion: 'Alice' } });
    expect(near.message).toContain('did you mean "Alice"?');
    const far = await unknownLabelError(store, 'bob');
    expect(far.details).toEqual({ label: 'bob' });
    expect(far.message).toBe('No faces are enrolled for "bob"');
  });
});
