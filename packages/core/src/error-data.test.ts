import { describe, expect, it } from 'vitest';
import { errorFromData, errorToData, failureOf, isPvErrorCode } from './error-data.js';
import { MultipleFacesError, NoFaceError, PvError, StoreWriteError, isPvError } from './errors.js';

describe('error data', () => {
  it('rebuilds the thrown class from its code after a round trip through plain data', () => {
    const thrown = new MultipleFacesError(3, { file: 'a.jpg' });
    const data = JSON.parse(JSON.stringify(errorToData(thrown))) as ReturnType<typeof errorToData>;
    const rebuilt = errorFromData(data);
    expect(rebuilt).toBeInstanceOf(MultipleFacesError);
    expect(rebuilt).toBeInstanceOf(PvError);
    expect(isPvError(rebuilt, 'E_MULTIPLE_FACES')).toBe(true);
    expect(rebuilt.name).toBe('MultipleFacesError');
    expect(rebuilt.message).toBe(thrown.message);
    expect((rebuilt as PvError).details).toEqual({ count: 3, file: 'a.jpg' });
  });

  it('keeps every class distinct', () => {
    expect(errorFromData(errorToData(new NoFaceError()))).toBeInstanceOf(NoFaceError);
    expect(errorFromData(errorToData(new StoreWriteError('disk full', { cause: 'ENOSPC' })))).toBeInstanceOf(StoreWriteError);
    expect(errorFromData(errorToData(new NoFaceError()))).not.toBeInstanceOf(StoreWriteError);
  });

  it('turns foreign errors into E_UNEXPECTED and back into plain errors', () => {
    const data = errorToData(new TypeError('boom'));
    expect(data).toEqual({ code: 'E_UNEXPECTED', message: 'boom' });
    const rebuilt = errorFromData(data);
    expect(rebuilt).not.toBeInstanceOf(PvError);
    expect(rebuilt.message).toBe('boom');
    expect(isPvErrorCode('E_UNEXPECTED')).toBe(false);
  });

  it('describes a failure with its details only when there are some', () => {
    expect(failureOf('a.jpg', new NoFaceError())).toEqual({ file: 'a.jpg', code: 'E_NO_FACE', message: 'No face was found in the image' });
    expect(failureOf('b.jpg', new MultipleFacesError(2)).details).toEqual({ count: 2 });
  });
});
