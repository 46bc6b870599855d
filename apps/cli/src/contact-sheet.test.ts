import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contactSheetHtml, faceThumbnail, sheetLink } from './contact-sheet.js';

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
  const face = (file: string) => ({
    file,
    box: { x: 0, y: 0, width: 1, height: 1 },
    thumbnail: 'data:image/jpeg;base64,AAAA',
    href: sheetLink('/out', file),
    caption: path.basename(file),
  });

  it('has one card per cluster with several faces and one grid of the single faces, names and files escaped', () => {
    const odd = face('/photos/<b>&"x".jpg');
    const html = contactSheetHtml(
      'Faces <of> "us"',
      [
        { name: 'person-1', colour: '#e6194b', faces: [odd, odd] },
        { name: 'person-<2>', faces: [face('/photos/a.jpg')] },
        { name: 'person-3', faces: [face('/photos/b.jpg')] },
      ],
      { summary: '4 faces' },
    );
    expect(html.match(/<section class="cluster"/gu)).toHaveLength(1);
    expect(html.match(/<section class="singles">/gu)).toHaveLength(1);
    expect(html.match(/<figure/gu)).toHaveLength(4);
    expect(html).toContain('<title>Faces &lt;of&gt; &quot;us&quot;</title>');
    expect(html).toContain('person-1 <small>2 faces</small>');
    expect(html).toContain('Seen once <small>2 faces</small>');
    expect(html).toContain('data-cluster="person-&lt;2&gt;"');
    expect(html).toContain('title="/photos/&lt;b&gt;&amp;&quot;x&quot;.jpg"');
    expect(html).toContain('<p class="summary">4 faces</p>');
    expect(html).not.toContain('<b>&');
  });

  it('keeps underscores and long names whole in captions, links relative and URL-encoded', () => {
    const html = contactSheetHtml('t', [{ name: 'p', faces: [face('/photos/Abel_Pacheco/Abel_Pacheco_0001 #2.jpg')] }]);
    expect(html).toContain('<figcaption>Abel_<wbr>Pacheco_<wbr>0001 #2.<wbr>jpg</figcaption>');
    expect(html).toContain('href="../photos/Abel_Pacheco/Abel_Pacheco_0001%20%232.jpg"');
    expect(html).not.toMatch(/<(em|i|strong)>/u);
    expect(html).toContain('overflow-wrap:anywhere');
  });
});
