import { InvalidArgumentError } from '@pv/core';

/** Two images to compare, and whether they show the same person. */
export interface VerificationPair {
  /** Reference of the first image (for LFW: its path relative to the images folder). */
  readonly a: string;
  /** Reference of the second image. */
  readonly b: string;
  /** True when both images show the same person. */
  readonly same: boolean;
}

/** A pair read from an LFW `pairs.txt`, with where it came from. */
export interface LfwPair extends VerificationPair {
  /** Zero-based index of the set (View 2 fold) the line belongs to. */
  readonly set: number;
  /** One-based line number in the file. */
  readonly line: number;
}

/** An LFW pairs list. */
export interface LfwPairList {
  /** Number of sets the header announces (10 for View 2, 1 for a single fold or for `pairsDevTrain.txt`). */
  readonly sets: number;
  /** Same-person pairs per set (the number of different-person pairs per set is the same). */
  readonly pairsPerSet: number;
  /** Every pair in file order: per set, `pairsPerSet` same-person pairs followed by as many different-person pairs. */
  readonly pairs: readonly LfwPair[];
}

/**
 * The path of an LFW image relative to the images folder: `<Name>/<Name>_<number padded to 4>.jpg`,
 * e.g. `lfwImagePath('Zico', 2)` is `Zico/Zico_0002.jpg`.
 */
export function lfwImagePath(name: string, imageNumber: number): string {
  return `${name}/${name}_${String(imageNumber).padStart(4, '0')}.jpg`;
}

/**
 * Parses an LFW pairs list (`pairs.txt`, `pairsDevTest.txt`, …).
 *
 * Format: a header line `N M` (N sets of M same-person and M different-person pairs; `10 300` for View 2,
 * `1 300` for a single fold) or a lone `M` (one set, as in `pairsDevTrain.txt`), then for each set M lines
 * `Name i j` (same person, images i and j) followed by M lines `Name1 i Name2 j` (different people).
 * Fields are separated by any whitespace; blank lines are ignored; CRLF line ends are accepted.
 *
 * @throws InvalidArgumentError (`E_INVALID_ARGUMENT`) naming the line when the header, a line's shape, an
 *   image number or the number of lines does not match the format.
 */
export function parseLfwPairs(text: string): LfwPairList {
  const lines = text
    .split(/\r?\n/u)
    .map((content, index) => ({ fields: content.trim().split(/\s+/u).filter((f) => f.length > 0), line: index + 1 }))
    .filter((l) => l.fields.length > 0);
  const header = lines[0];
  if (header === undefined) throw new InvalidArgumentError('The pairs list is empty');
  const numbers = header.fields.map((f) => parseCount(f));
  if (numbers.length < 1 || numbers.length > 2 || numbers.some((n) => n === undefined)) {
    throw new InvalidArgumentError(`Line ${header.line}: expected a header "N M" or "M", got "${header.fields.join(' ')}"`, {
      line: header.line,
    });
  }
  const [sets, pairsPerSet] = numbers.length === 2 ? (numbers as [number, number]) : [1, numbers[0] as number];
  const body = lines.slice(1);
  const expected = sets * pairsPerSet * 2;
  if (body.length !== expected) {
    throw new InvalidArgumentError(
      `The header announces ${sets} set(s) of ${pairsPerSet} + ${pairsPerSet} pairs (${expected} lines) but ${body.length} pair lines follow`,
      { expected, actual: body.length },
    );
  }
  const pairs = body.map(({ fields, line }, index): LfwPair => {
    const set = Math.floor(index / (2 * pairsPerSet));
    const same = index % (2 * pairsPerSet) < pairsPerSet;
    return same ? parseSameLine(fields, line, set) : parseDifferentLine(fields, line, set);
  });
  return { sets, pairsPerSet, pairs };
}

function parseSameLine(fields: readonly string[], line: number, set: number): LfwPair {
  const [name, i, j] = fields;
  if (fields.length !== 3 || name === undefined || i === undefined || j === undefined) {
    throw new InvalidArgumentError(`Line ${line}: expected a same-person line "Name i j", got "${fields.join(' ')}"`, { line });
  }
  return {
    a: lfwImagePath(name, imageNumber(i, line)),
    b: lfwImagePath(name, imageNumber(j, line)),
    same: true,
    set,
    line,
  };
}

function parseDifferentLine(fields: readonly string[], line: number, set: number): LfwPair {
  const [name1, i, name2, j] = fields;
  if (fields.length !== 4 || name1 === undefined || i === undefined || name2 === undefined || j === undefined) {
    throw new InvalidArgumentError(
      `Line ${line}: expected a different-person line "Name1 i Name2 j", got "${fields.join(' ')}"`,
      { line },
    );
  }
  return {
    a: lfwImagePath(name1, imageNumber(i, line)),
    b: lfwImagePath(name2, imageNumber(j, line)),
    same: false,
    set,
    line,
  };
}

function parseCount(field: string): number | undefined {
  if (!/^\d+$/u.test(field)) return undefined;
  const n = Number(field);
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined;
}

function imageNumber(field: string, line: number): number {
  const n = parseCount(field);
  if (n === undefined) throw new InvalidArgumentError(`Line ${line}: "${field}" is not an image number (1, 2, …)`, { line });
  return n;
}
