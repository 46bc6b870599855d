import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterColour, CLUSTER_COLOURS, drawFaceMarks, faceMarksSvg, MARK_COLOURS } from './face-drawing.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-drawing-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('faceMarksSvg', () => {
  it('strokes each box on whole pixels and escapes the caption', () => {
    const svg = faceMarksSvg(300, 200, [{ box: { x: 10.4, y: 20.6, width: 50.2, height: 60 }, colour: '#00c800', caption: 'a<b> & "c"' }]);
    expect(svg).toContain('<rect x="10" y="21" width="51" height="60" fill="none" stroke="#00c800"');
    expect(svg).toContain('a&#60;b&#62; &#38; &#34;c&#34;');
    expect(svg).not.toContain('<b>');
  });

  it('puts the caption above a box that reaches the bottom', () => {
    const svg = faceMarksSvg(100, 100, [{ box: { x: 10, y: 40, width: 50, height: 58 }, colour: '#ff8c00', caption: 'x' }]);
    const label = /<rect x="\d+" y="(\d+)" width="\d+" height="(\d+)" fill="#ff8c00"\/>/u.exec(svg);
    expect(label).not.toBeNull();
    expect(Number(label?.[1]) + Number(label?.[2])).toBeLessThanOrEqual(40);
  });
});

describe('clusterColour', () => {
  it('gives distinct colours, none of them the single faces\' gray, and repeats after the palette', () => {
    const colours = CLUSTER_COLOURS.map((_, i) => clusterColour(i));
    expect(new Set(colours).size).toBe(CLUSTER_COLOURS.length);
    expect(colours).not.toContain(MARK_COLOURS.other);
    expect(clusterColour(CLUSTER_COLOURS.length)).toBe(clusterColour(0));
  });
});

describe('drawFaceMarks', () => {
  it('writes a PNG or a JPEG of the photo with the box in its colour', async () => {
    const photo = path.join(dir, 'flat.png');
    await sharp({ create: { width: 200, height: 150, channels: 3, background: '#303030' } }).png().toFile(photo);
    const box = { x: 40, y: 30, width: 80, height: 70 };
    for (const name of ['out.png', 'out.jpg']) {
      const target = path.join(dir, name);
      await drawFaceMarks(photo, [{ box, colour: MARK_COLOURS.rejected, caption: 'no match' }], target);
      const { data, info } = await sharp(target).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([200, 150]);
      expect((await sharp(target).metadata()).format).toBe(name.endsWith('.png') ? 'png' : 'jpeg');
      const at = (x: number, y: number): number[] => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
      const near = (p: number[], q: number[]): boolean => p.reduce((s, v, i) => s + Math.abs(v - (q[i] as number)), 0) <= 40;
      expect(near(at(80, 30), [0xe0, 0x30, 0x30]), at(80, 30).join()).toBe(true); // top edge
      expect(near(at(40, 65), [0xe0, 0x30, 0x30]), at(40, 65).join()).toBe(true); // left edge
      expect(near(at(80, 65), [0x30, 0x30, 0x30]), at(80, 65).join()).toBe(true); // inside: the photo
    }
  });
});
