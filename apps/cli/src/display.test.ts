import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayPath, plural, shellArg } from './display.js';

describe('displayPath', () => {
  const cwd = path.resolve('/home/ann/photos');
  it('shows files inside the working directory relative to it', () => {
    expect(displayPath('/home/ann/photos/alice/1.jpg', cwd)).toBe(path.join('alice', '1.jpg'));
    expect(displayPath('alice/1.jpg', cwd)).toBe(path.join('alice', '1.jpg'));
  });
  it('shows files elsewhere as absolute paths', () => {
    expect(displayPath('/tmp/x.jpg', cwd)).toBe(path.resolve('/tmp/x.jpg'));
    expect(displayPath('../other/x.jpg', cwd)).toBe(path.resolve('/home/ann/other/x.jpg'));
  });
  it('shows the working directory itself absolutely', () => {
    expect(displayPath('.', cwd)).toBe(cwd);
  });
});

describe('plural', () => {
  it('counts', () => {
    expect(plural(0, 'face')).toBe('0 faces');
    expect(plural(1, 'face')).toBe('1 face');
    expect(plural(2, 'person', 'people')).toBe('2 people');
  });
});

describe('shellArg', () => {
  it('leaves safe arguments alone and single-quotes the others', () => {
    expect(shellArg('pv-demo/people')).toBe('pv-demo/people');
    expect(shellArg('file:pv-demo/people.pv')).toBe('file:pv-demo/people.pv');
    expect(shellArg('my photos/a.jpg')).toBe(`'my photos/a.jpg'`);
    expect(shellArg("it's")).toBe(`'it'\\''s'`);
  });
});
