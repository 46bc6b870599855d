import { PassThrough } from 'node:stream';
import { NoFaceError } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { createOutput, ExitCode, jsonReplacer } from './output.js';

function capture(json: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const output = createOutput({ json, streams: { stdout, stderr } });
  return { output, out: () => out, err: () => err };
}

describe('createOutput', () => {
  it('human mode prints lines, hides the JSON result, and reports errors on stderr without colour off a terminal', () => {
    const { output, out, err } = capture(false);
    output.line('hello');
    output.result({ ignored: true });
    // A photo without a face is a negative answer for every command, not an error.
    expect(output.error(new NoFaceError('No face in x.jpg', { file: 'x.jpg' }))).toBe(ExitCode.negative);
    expect(out()).toBe('hello\n');
    expect(err()).toBe('error E_NO_FACE No face in x.jpg\n');
    expect(output.colour.red('x')).toBe('x');
  });

  it('JSON mode prints only the result, and errors as JSON with code and details', () => {
    const { output, out, err } = capture(true);
    output.line('hidden');
    output.result({ distance: 0.25, vector: new Float32Array([0.1, 0.2]) });
    expect(JSON.parse(out())).toEqual({ distance: 0.25, vector: [0.1, 0.2] });
    const json = capture(true);
    json.output.error(new Error('boom'));
    expect(JSON.parse(json.out())).toEqual({ error: { code: 'E_UNEXPECTED', message: 'boom' } });
    json.output.note('a note');
    expect(json.err()).toBe('a note\n');
    expect(err()).toBe('');
  });
});

describe('jsonReplacer', () => {
  it('turns typed arrays into arrays of 7 significant digits and maps into objects', () => {
    expect(JSON.parse(JSON.stringify({ v: new Float32Array([1 / 3]), m: new Map([['a', 1]]) }, jsonReplacer))).toEqual({
      v: [0.3333333],
      m: { a: 1 },
    });
  });
});
