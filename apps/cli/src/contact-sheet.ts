import type { Box } from '@pv/core';
import sharp from 'sharp';

/** One face to show on the sheet. */
export interface SheetFace {
  readonly file: string;
  readonly box: Box;
}

/** Crops a face (with 20% context) from its file into a small JPEG data URL. */
export async function faceThumbnail(face: SheetFace, size = 96): Promise<string> {
  const image = sharp(face.file, { limitInputPixels: 100_000_000 }).rotate();
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const pad = 0.2 * Math.max(face.box.width, face.box.height);
  const left = Math.max(0, Math.floor(face.box.x - pad));
  const top = Math.max(0, Math.floor(face.box.y - pad));
  const right = Math.min(width, Math.ceil(face.box.x + face.box.width + pad));
  const bottom = Math.min(height, Math.ceil(face.box.y + face.box.height + pad));
  const jpeg = await image
    .extract({ left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) })
    .resize(size, size, { fit: 'cover' })
    .jpeg({ quality: 80 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** One row of the sheet: a cluster's name and its faces with their thumbnails. */
export interface SheetCluster {
  readonly name: string;
  readonly faces: readonly (SheetFace & { readonly thumbnail: string })[];
}

/**
 * A self-contained HTML contact sheet: one row per cluster, each face a thumbnail (inline data URL)
 * with its file name as a tooltip. Opens in any browser, no server needed.
 */
export function contactSheetHtml(title: string, clusters: readonly SheetCluster[]): string {
  const rows = clusters
    .map(
      (c) => `<section><h2>${escapeHtml(c.name)} <small>${c.faces.length} face${c.faces.length === 1 ? '' : 's'}</small></h2><div class="faces">${c.faces
        .map((f) => `<figure title="${escapeHtml(f.file)}"><img src="${f.thumbnail}" alt="${escapeHtml(f.file)}"><figcaption>${escapeHtml(f.file.split(/[\\/]/).pop() ?? f.file)}</figcaption></figure>`)
        .join('')}</div></section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1rem;background:#fafafa;color:#222}
h1{font-size:1.3rem}h2{font-size:1rem;margin:.2rem 0}small{color:#777;font-weight:normal}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5rem;margin:.6rem 0}
.faces{display:flex;flex-wrap:wrap;gap:.4rem}
figure{margin:0;width:96px;text-align:center}img{width:96px;height:96px;border-radius:4px;object-fit:cover}
figcaption{font-size:.65rem;color:#555;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${rows}
</body></html>
`;
}
