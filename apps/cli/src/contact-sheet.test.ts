import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contactSheetHtml, faceThumbnail } from './contact-sheet.js';

const sharedData = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const photo = path.join(sharedData, 'celeba-sample', '7206', '182757.jpg');

describe('faceThumbnail', () => {
  it('crops the box with a margin into a square JPEG data URL', async () => {
    const url = await faceThumbnail({ file: photo, box: { x: 100, y: 60, width: 80, height: 100 } }, 64);
    expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
    const meta = await sharp(Buffer.from(url.slice('data:image/jpeg;base64,'.length), 'base64')).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 64]);
  });

  it('clips a box that reaches past the image edges', async () => {
    const { width = 0, height = 0 } = await sharp(photo).metadata();
    const url = await faceThumbnail({ file: photo, box: { x: width - 20, y: height - 20, width: 60, height: 60 } });
    const meta = await sharp(Buffer.from(url.split(',')[1] as string, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([96, 96]);
  });
});

describe('contactSheetHtml', () => {
  it('has one section per cluster and one figure per face, with names and files escaped', () => {
    const face = { file: '/photos/<b>&"x".jpg', box: { x: 0, y: 0, width: 1, height: 1 }, thumbnail: 'data:image/jpeg;base64,AAAA' };
    const html = contactSheetHtml('Faces <of> "us"', [
      { name: 'person-1', faces: [face, face] },
      { name: 'person-<2>', faces: [face] },
    ]);
    expect(html.match(/<section>/gu)).toHaveLength(2);
    expect(html.match(/<figure /gu)).toHaveLength(3);
    expect(html).toContain('<title>Faces &lt;of&gt; &quot;us&quot;</title>');
    expect(html).toContain('person-&lt;2&gt; <small>1 face</small>');
    expect(html).toContain('<small>2 faces</small>');
    expect(html).toContain('title="/photos/&lt;b&gt;&amp;&quot;x&quot;.jpg"');
    expect(html).not.toContain('<b>&');
  });
});
