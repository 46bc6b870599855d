// End to end on the CelebA sample: pv verify --annotate and pv cluster --annotate draw their boxes where the
// detector found the faces (read back from the written images at the boxes' coordinates), and
// --min-face-size drops the small faces, reports them and draws them gray.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_COLOURS } from '../face-drawing.js';
import { assertBuilt, celebaPhotos, E2E_TIMEOUT_MS, linkPhotos, runPv, runPvJson, tempDir } from './pv-process.fixture.js';

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface ClustersJson {
  readonly faces: number;
  readonly dropped: { tooSmall: number; lowScore: number };
  readonly clusters: { name: string; colour: string; faces: { file: string; box: Box; distance: number | null }[] }[];
  readonly files: { photos?: string };
}

let work = '';

beforeAll(async () => {
  assertBuilt();
  work = await tempDir('annotate-cluster');
  const ann = await celebaPhotos('7206');
  const bob = await celebaPhotos('7213');
  const carl = await celebaPhotos('7220');
  await linkPhotos(path.join(work, 'people'), { ann: ann.slice(0, 3), bob: bob.slice(0, 3) });
  await linkPhotos(path.join(work, 'album'), { a: ann.slice(3, 6), b: bob.slice(3, 6), c: carl.slice(0, 3) });
  // Bob large and a stranger small, side by side.
  const large = await sharp(bob[bob.length - 1] as string).resize(300, 368).toBuffer();
  const small = await sharp(carl[carl.length - 1] as string).resize(110, 135).toBuffer();
  await sharp({ create: { width: 460, height: 368, channels: 3, background: '#808080' } })
    .composite([
      { input: large, left: 0, top: 0 },
      { input: small, left: 330, top: 120 },
    ])
    .jpeg({ quality: 95 })
    .toFile(path.join(work, 'album', 'two.jpg'));
  expect((await runPv(['enroll', 'people'], work)).code).toBe(0);
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The decoded pixels of an image file, and a reader of the pixel nearest to (x, y). */
async function pixels(file: string): Promise<(x: number, y: number) => [number, number, number]> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return (x, y) => {
    const px = Math.min(info.width - 1, Math.max(0, Math.round(x)));
    const py = Math.min(info.height - 1, Math.max(0, Math.round(y)));
    const i = (py * info.width + px) * info.channels;
    return [data[i] as number, data[i + 1] as number, data[i + 2] as number];
  };
}

function rgb(colour: string): [number, number, number] {
  const n = Number.parseInt(colour.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const difference = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] as number)), 0);

/**
 * Checks that the middle of each of the box's four edges is drawn in `colour` (within `tolerance`, the sum
 * of the channel differences, for JPEG), and that the middle of the face is not.
 */
function expectBoxDrawn(
  pixel: (x: number, y: number) => [number, number, number],
  box: Box,
  colour: string,
  tolerance: number,
  what: string,
  checkCentre = true,
): void {
  const expected = rgb(colour);
  const { x, y, width, height } = box;
  for (const [px, py] of [
    [x + width / 2, y],
    [x + width / 2, y + height],
    [x, y + height / 2],
    [x + width, y + height / 2],
  ] as const) {
    // The closest of the pixel and its eight neighbours (a JPEG smears a 2-pixel line a little).
    const near = [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => pixel(px + dx, py + dy)));
    const best = Math.min(...near.map((p) => difference(p, expected)));
    expect(best, `${what}: ${colour} at ${px.toFixed(0)},${py.toFixed(0)} is ${pixel(px, py).join(',')}`).toBeLessThanOrEqual(tolerance);
  }
  if (checkCentre) expect(difference(pixel(x + width / 2, y + height / 2), expected), `${what}: the face itself is not painted`).toBeGreaterThan(tolerance);
}

describe('annotated copies on the CelebA sample', { timeout: E2E_TIMEOUT_MS }, () => {
  it('pv verify --annotate boxes the verified face green with the distance, the other face gray', async () => {
    const { run, json } = await runPvJson<{ match: boolean; box: Box; facesFound: number; annotated: string }>(
      ['verify', 'album/two.jpg', '--label', 'bob', '--annotate', 'checked'],
      work,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(json).toMatchObject({ match: true, facesFound: 2, annotated: path.join('checked', 'two.png') });
    // Where the detector finds the faces, independently of verify: pv identify on the same photo.
    const found = await runPvJson<{ faces: { box: Box }[] }>(['identify', 'album/two.jpg'], work);
    expect(found.json.faces).toHaveLength(2);
    const pixel = await pixels(path.join(work, 'checked', 'two.png'));
    expectBoxDrawn(pixel, json.box, MARK_COLOURS.known, 6, 'verified face');
    const other = found.json.faces.map((f) => f.box).find((b) => Math.abs(b.x - json.box.x) > 20) as Box;
    expect(other).toBeDefined();
    expectBoxDrawn(pixel, other, MARK_COLOURS.other, 6, 'other face');
    const human = await runPv(['verify', 'album/two.jpg', '--label', 'ann', '--annotate', 'checked-ann'], work);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`Annotated copy: ${path.join('checked-ann', 'two.png')}`);
    expectBoxDrawn(await pixels(path.join(work, 'checked-ann', 'two.png')), json.box, MARK_COLOURS.rejected, 6, 'no match');
  });

  it('pv cluster --annotate boxes every face in its cluster colour; --min-face-size drops the small face and draws it gray', async () => {
    const all = await runPvJson<ClustersJson>(['cluster', 'album', '--out', 'all', '--annotate', 'all/photos'], work);
    expect(all.run.code, all.run.stderr).toBe(0);
    expect(all.json.dropped).toEqual({ tooSmall: 0, lowScore: 0 });
    const faces = all.json.clusters.flatMap((c) => c.faces.map((f) => ({ ...f, colour: c.colour, single: c.faces.length === 1 })));
    expect(faces).toHaveLength(11); // nine portraits, two faces in two.jpg
    for (const face of faces) {
      const pixel = await pixels(path.join(work, 'all', 'photos', `${path.parse(face.file).name}.jpg`));
      expectBoxDrawn(pixel, face.box, face.colour, 90, `${path.basename(face.file)} in ${face.colour}`);
      expect(face.distance === null).toBe(face.single);
    }
    // The album's three people come out as (at least) three clusters of three or more photos.
    expect(all.json.clusters.filter((c) => c.faces.length >= 3).length).toBeGreaterThanOrEqual(3);

    // A size between the small face's and the others' drops exactly the small one.
    const sizes = faces.map((f) => Math.min(f.box.width, f.box.height)).sort((a, b) => a - b);
    expect(sizes[1]! - sizes[0]!, `face sizes ${sizes.join(', ')}`).toBeGreaterThan(10);
    const limit = Math.round((sizes[0]! + sizes[1]!) / 2);
    const small = faces.find((f) => Math.min(f.box.width, f.box.height) < limit) as (typeof faces)[number];
    expect(path.basename(small.file)).toBe('two.jpg');
    const filtered = await runPv(['cluster', 'album', '--out', 'big', '--annotate', 'big/photos', '--min-face-size', String(limit)], work);
    expect(filtered.code, filtered.stderr).toBe(0);
    expect(filtered.stdout).toContain(`10 faces in 10 photos`);
    expect(filtered.stdout).toContain(`Dropped 1 face: 1 under ${limit} px.`);
    const json = JSON.parse(await readFile(path.join(work, 'big', 'clusters.json'), 'utf8')) as ClustersJson;
    expect(json.dropped).toEqual({ tooSmall: 1, lowScore: 0 });
    expect(json.clusters.flatMap((c) => c.faces).every((f) => Math.min(f.box.width, f.box.height) >= limit)).toBe(true);
    // Gray, where the unfiltered copy had it in its cluster's colour (a gray face would pass a centre check).
    expectBoxDrawn(await pixels(path.join(work, 'big', 'photos', 'two.jpg')), small.box, MARK_COLOURS.other, 60, 'dropped face', false);
    expect(small.colour).not.toBe(MARK_COLOURS.other);
    expectBoxDrawn(await pixels(path.join(work, 'all', 'photos', 'two.jpg')), small.box, small.colour, 90, 'the small face unfiltered');
    const sheet = await readFile(path.join(work, 'big', 'contact-sheet.html'), 'utf8');
    expect(sheet).toContain('dropped 1 face: 1 under');
    expect(sheet.match(/<img /gu)).toHaveLength(10);

    const refused = await runPv(['cluster', 'album', '--min-score', '1.5'], work);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Expected a score from 0 to 1');
  });
});
