import { ModelFormatError, isPvError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { CheckpointFormatError, ForbiddenPickleGlobalError } from './errors.js';

describe('checkpoint errors', () => {
  it('are ModelFormatErrors of @pv/core that keep their reason', () => {
    const error = new CheckpointFormatError('truncated', 'The file ends inside a storage', { offset: 12 });
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(isPvError(error, 'E_MODEL_FORMAT')).toBe(true);
    expect(error.name).toBe('CheckpointFormatError');
    expect(error.reason).toBe('truncated');
    expect(error.details).toEqual({ reason: 'truncated', offset: 12 });
  });

  it('name the refused pickle global', () => {
    const error = new ForbiddenPickleGlobalError('os', 'system');
    expect(error).toBeInstanceOf(CheckpointFormatError);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.name).toBe('ForbiddenPickleGlobalError');
    expect(error.reason).toBe('forbidden-global');
    expect(error.details).toEqual({ reason: 'forbidden-global', module: 'os', name: 'system' });
    expect(error.message).toContain('os.system');
  });
});
