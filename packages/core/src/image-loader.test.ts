import { describe, expect, it } from 'vitest';
import { isPvError } from './errors.js';
import { labelForEntry, labelFromFileName } from './image-loader.js';

describe('labelFromFileName', () => {
  it.each([
    ['alice.jpg', 'alice'],
    ['alice_2.jpg', 'alice'],
    ['alice-02.png', 'alice'],
    ['alice (3).jpg', 'alice'],
    ['Aaron_Peirsol_0001.jpg', 'Aaron_Peirsol'],
    ['people/bob_1.jpeg', 'bob'],
    ['mary-jane.webp', 'mary-jane'],
    ['jean.luc.picard.png', 'jean.luc.picard'],
    ['noextension', 'noextension'],
    ['R2D2.jpg', 'R2D2'],
    ['007.jpg', '007'],
  ])('%s → %s', (file, label) => {
    expect(labelFromFileName(file)).toBe(label);
  });

  it('keeps the stem when nothing but a copy number would remain', () => {
    expect(labelFromFileName('_1.jpg')).toBe('_1');
    expect(labelFromFileName('(2).jpg')).toBe('(2)');
  });
});

describe('labelForEntry', () => {
  it('auto: the subfolder when there is one, else the file name', () => {
    expect(labelForEntry({ relativePath: 'alice/IMG_0001.jpg' }, 'auto')).toBe('alice');
    expect(labelForEntry({ relativePath: 'bob_2.jpg' }, 'auto')).toBe('bob');
  });

  it('file-names: always the file name', () => {
    expect(labelForEntry({ relativePath: 'team/carol_3.jpg' }, 'file-names')).toBe('carol');
    expect(labelForEntry({ relativePath: 'carol.jpg' }, 'file-names')).toBe('carol');
  });

  it('subfolders: the subfolder, and E_INVALID_ARGUMENT for a file outside any', () => {
    expect(labelForEntry({ relativePath: 'Dave Smith/photo.jpg' }, 'subfolders')).toBe('Dave Smith');
    expect(() => labelForEntry({ relativePath: 'loose.jpg' }, 'subfolders')).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT', details: { file: 'loose.jpg' } }),
    );
    try {
      labelForEntry({ relativePath: 'loose.jpg' }, 'subfolders');
    } catch (error) {
      expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('a file name without a label (e.g. ".jpg") is E_INVALID_ARGUMENT, not an empty label', () => {
    expect(() => labelForEntry({ relativePath: '.jpg' }, 'file-names')).toThrow(
      expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }),
    );
  });
});
