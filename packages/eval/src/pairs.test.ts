import { isPvError } from '@pv/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lfwImagePath, parseLfwPairs } from './pairs.js';

function expectInvalid(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(isPvError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected E_INVALID_ARGUMENT');
}

describe('lfwImagePath', () => {
  it('pads the image number to four digits under the person folder', () => {
    expect(lfwImagePath('Zico', 2)).toBe('Zico/Zico_0002.jpg');
    expect(lfwImagePath('George_W_Bush', 530)).toBe('George_W_Bush/George_W_Bush_0530.jpg');
    expect(lfwImagePath('A', 12345)).toBe('A/A_12345.jpg');
  });
});

describe('parseLfwPairs', () => {
  it('reads the header, same-person then different-person lines, tabs or spaces', () => {
    const list = parseLfwPairs('1\t2\nAbel_Pacheco\t1\t4\nZico 2  3\nAl_Gore\t1\tZico\t3\nBo 10 Cy 7\n');
    expect(list.sets).toBe(1);
    expect(list.pairsPerSet).toBe(2);
    expect(list.pairs).toEqual([
      { a: 'Abel_Pacheco/Abel_Pacheco_0001.jpg', b: 'Abel_Pacheco/Abel_Pacheco_0004.jpg', same: true, set: 0, line: 2 },
      { a: 'Zico/Zico_0002.jpg', b: 'Zico/Zico_0003.jpg', same: true, set: 0, line: 3 },
      { a: 'Al_Gore/Al_Gore_0001.jpg', b: 'Zico/Zico_0003.jpg', same: false, set: 0, line: 4 },
      { a: 'Bo/Bo_0010.jpg', b: 'Cy/Cy_0007.jpg', same: false, set: 0, line: 5 },
    ]);
  });

  it('splits several sets, each same-person block before its different-person block', () => {
    const list = parseLfwPairs('2 1\nA 1 2\nA 1 B 1\nC 1 2\nC 1 D 2\n');
    expect(list.pairs.map((p) => [p.set, p.same])).toEqual([
      [0, true],
      [0, false],
      [1, true],
      [1, false],
    ]);
  });

  it('accepts a lone count header (pairsDevTrain.txt), CRLF line ends and blank lines', () => {
    const list = parseLfwPairs('\r\n2\r\nA 1 2\r\n\r\nB 3 4\r\nA 1 B 1\r\nC 1 D 2\r\n\r\n');
    expect(list.sets).toBe(1);
    expect(list.pairsPerSet).toBe(2);
    expect(list.pairs.map((p) => p.same)).toEqual([true, true, false, false]);
    expect(list.pairs[2]?.line).toBe(6);
  });

  it('refuses an empty list, a bad header and a wrong number of lines', () => {
    expectInvalid(() => parseLfwPairs('\n \n'), /empty/);
    expectInvalid(() => parseLfwPairs('ten 300\n'), /Line 1: expected a header/);
    expectInvalid(() => parseLfwPairs('1 2 3\n'), /Line 1: expected a header/);
    expectInvalid(() => parseLfwPairs('0 5\n'), /Line 1: expected a header/);
    expectInvalid(() => parseLfwPairs('1 2\nA 1 2\nB 1 2\nA 1 B 1\n'), /4 lines\) but 3 pair lines/);
  });

  it('refuses lines of the wrong shape for their place and bad image numbers, naming the line', () => {
    expectInvalid(() => parseLfwPairs('1 1\nA 1 B 2\nA 1 B 2\n'), /Line 2: expected a same-person line/);
    expectInvalid(() => parseLfwPairs('1 1\nA 1 2\nA 1 2\n'), /Line 3: expected a different-person line/);
    expectInvalid(() => parseLfwPairs('1 1\nA 0 2\nA 1 B 2\n'), /Line 2: "0" is not an image number/);
    expectInvalid(() => parseLfwPairs('1 1\nA 1 2\nA 1 B x\n'), /Line 3: "x" is not an image number/);
  });

  it('round-trips any well-formed list', () => {
    const name = fc.stringMatching(/^[A-Z][a-z]{0,6}(_[A-Z][a-z]{0,6}){0,2}$/u);
    const number = fc.integer({ min: 1, max: 600 });
    const same = fc.record({ name, i: number, j: number });
    const different = fc.record({ name1: name, i: number, name2: name, j: number });
    const listArb = fc
      .record({ sets: fc.integer({ min: 1, max: 3 }), perSet: fc.integer({ min: 1, max: 4 }) })
      .chain(({ sets, perSet }) =>
        fc.record({
          sets: fc.constant(sets),
          perSet: fc.constant(perSet),
          blocks: fc.array(
            fc.record({
              same: fc.array(same, { minLength: perSet, maxLength: perSet }),
              different: fc.array(different, { minLength: perSet, maxLength: perSet }),
            }),
            { minLength: sets, maxLength: sets },
          ),
        }),
      );
    fc.assert(
      fc.property(listArb, ({ sets, perSet, blocks }) => {
        const lines = [`${sets}\t${perSet}`];
        const expected: { a: string; b: string; same: boolean; set: number }[] = [];
        blocks.forEach((block, set) => {
          for (const s of block.same) {
            lines.push(`${s.name}\t${s.i}\t${s.j}`);
            expected.push({ a: lfwImagePath(s.name, s.i), b: lfwImagePath(s.name, s.j), same: true, set });
          }
          for (const d of block.different) {
            lines.push(`${d.name1}\t${d.i}\t${d.name2}\t${d.j}`);
            expected.push({ a: lfwImagePath(d.name1, d.i), b: lfwImagePath(d.name2, d.j), same: false, set });
          }
        });
        const list = parseLfwPairs(`${lines.join('\n')}\n`);
        expect(list.sets).toBe(sets);
        expect(list.pairsPerSet).toBe(perSet);
        expect(list.pairs.map(({ a, b, same: s, set }) => ({ a, b, same: s, set }))).toEqual(expected);
        expect(list.pairs.map((p) => p.line)).toEqual(expected.map((_, i) => i + 2));
      }),
    );
  });
});
