import path from 'node:path';
import type { Box } from '@pv/core';
import sharp, { type Sharp } from 'sharp';

/** One face to show on the sheet. */
export interface SheetFace {
  readonly file: string;
  readonly box: Box;
}

/**
 * A face cut from its (upright) photo with context around it: `context` of the box's longer side on every
 * side, clipped to the photo. A sharp pipeline, for the caller to resize and encode.
 */
export async function faceCrop(face: SheetFace, context: number): Promise<Sharp> {
  const image = sharp(face.file, { limitInputPixels: 100_000_000 }).rotate();
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const pad = context * Math.max(face.box.width, face.box.height);
  const left = Math.max(0, Math.floor(face.box.x - pad));
  const top = Math.max(0, Math.floor(face.box.y - pad));
  const right = Math.min(width, Math.ceil(face.box.x + face.box.width + pad));
  const bottom = Math.min(height, Math.ceil(face.box.y + face.box.height + pad));
  return image.extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) });
}

/** Crops a face (with 20% context) from its file into a small JPEG data URL. */
export async function faceThumbnail(face: SheetFace, size = 96): Promise<string> {
  const jpeg = await (await faceCrop(face, 0.2)).resize(size, size, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/**
 * The link from a sheet in `sheetDir` to `file`: relative (so the folder can be moved with its photos),
 * each segment URL-encoded, `/`-separated on every platform.
 */
export function sheetLink(sheetDir: string, file: string): string {
  return path.relative(sheetDir, file).split(path.sep).map(encodeURIComponent).join('/');
}

/** One face on the sheet: its thumbnail, the link to its photo and a caption (shown whole, wrapped). */
export interface SheetEntry extends SheetFace {
  readonly thumbnail: string;
  /** Where clicking the face goes (relative to the sheet): the photo, or its annotated copy. */
  readonly href: string;
  readonly caption: string;
}

/** One cluster of the sheet: its name, its colour (as on the annotated photos) and its faces. */
export interface SheetCluster {
  readonly name: string;
  readonly colour?: string;
  readonly faces: readonly SheetEntry[];
}

/** A face cell; long captions may break after `_`, `-` and `.` (a `<wbr>`, which copies and reads as nothing). */
function figure(f: SheetEntry): string {
  return (
    `<figure><a href="${escapeHtml(f.href)}" title="${escapeHtml(f.file)}"><img src="${f.thumbnail}" alt="${escapeHtml(f.caption)}"></a>` +
    `<figcaption>${escapeHtml(f.caption).replace(/([_.-])/gu, '$1<wbr>')}</figcaption></figure>`
  );
}

/**
 * A self-contained HTML contact sheet (thumbnails are inline data URLs; opens in any browser, no server):
 * one card per cluster with several faces, then every single face in one compact grid. Each face links to
 * its photo; captions are the file names as they are, wrapped rather than cut.
 */
export function contactSheetHtml(title: string, clusters: readonly SheetCluster[], options: { readonly summary?: string } = {}): string {
  const groups = clusters.filter((c) => c.faces.length > 1);
  const singles = clusters.filter((c) => c.faces.length === 1);
  const cards = groups
    .map(
      (c) =>
        `<section class="cluster"${c.colour ? ` style="border-left-color:${escapeHtml(c.colour)}"` : ''}><h2>${escapeHtml(c.name)} <small>${c.faces.length} faces</small></h2>` +
        `<div class="faces">${c.faces.map(figure).join('')}</div></section>`,
    )
    .join('\n');
  const grid =
    singles.length === 0
      ? ''
      : `<section class="singles"><h2>Seen once <small>${singles.length} face${singles.length === 1 ? '' : 's'}</small></h2><div class="grid">${singles
          .map((c) => figure(c.faces[0] as SheetEntry).replace('<figure>', `<figure data-cluster="${escapeHtml(c.name)}">`))
          .join('')}</div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1rem;background:#fafafa;color:#222}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1rem;margin:.2rem 0}small{color:#777;font-weight:normal}
.summary{color:#555;margin:.2rem 0 .6rem}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem;margin:.6rem 0}
section.cluster{border-left:6px solid #999;margin:0}
.clusters{display:flex;flex-wrap:wrap;gap:.6rem;align-items:flex-start}
.faces{display:flex;flex-wrap:wrap;gap:.4rem}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(72px,1fr));gap:.3rem}
figure{margin:0;width:96px;text-align:center}.grid figure{width:auto}
img{display:block;width:96px;height:96px;border-radius:4px;object-fit:cover}.grid img{width:72px;height:72px;margin:0 auto}
a:hover img{outline:2px solid #06c}
figcaption{font-size:.65rem;color:#555;white-space:normal;overflow-wrap:anywhere;line-height:1.2}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${options.summary ? `<p class="summary">${escapeHtml(options.summary)}</p>\n` : ''}<div class="clusters">${cards}</div>
${grid}
</body></html>
`;
}
