import path from 'node:path';
import type { Box } from '@pv/core';
import sharp from 'sharp';

/**
 * The one way the CLI draws on photos (`pv annotate`, `pv analyze --annotate`, `pv verify --annotate`,
 * `pv cluster --annotate`, `pv demo`): an SVG overlay of boxes and captions composited by sharp onto the
 * auto-oriented photo, in the detector's pixel coordinates.
 */

/** One face to draw: its box, the stroke colour (`#rrggbb`) and an optional caption under (or above) it. */
export interface FaceMark {
  readonly box: Box;
  readonly colour: string;
  readonly caption?: string;
}

/**
 * The colours with a meaning: recognised people and accepted faces green, unknown faces orange, rejected
 * faces (no match, review rejected) red, faces nobody asked about (the other faces of a verified photo) gray.
 */
export const MARK_COLOURS = { known: '#00c800', unknown: '#ff8c00', rejected: '#e03030', other: '#a0a0a0' } as const;

/** Distinct colours for the clusters with several faces (`clusterColour`); single faces get {@link MARK_COLOURS}.other. */
export const CLUSTER_COLOURS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990', '#dcbeff', '#9a6324'] as const;

/** The colour of the `index`-th cluster (0-based, largest first); colours repeat after twelve clusters. */
export function clusterColour(index: number): string {
  return CLUSTER_COLOURS[index % CLUSTER_COLOURS.length] as string;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

/** Black or white, whichever reads better on `colour`. */
function textColourOn(colour: string): string {
  const n = Number.parseInt(colour.slice(1), 16);
  const luminance = 0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
  return luminance > 140 ? '#000' : '#fff';
}

/**
 * The SVG overlay for a `width`×`height` photo: each box stroked on whole pixels (so its edges are the
 * exact colour, which tests read back), its caption on a filled label of the box colour below the box, or
 * above it when the box touches the bottom.
 */
export function faceMarksSvg(width: number, height: number, marks: readonly FaceMark[]): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 150));
  const font = Math.max(12, Math.round(Math.min(width, height) / 40));
  const shapes = marks.map((mark) => {
    const x = Math.round(mark.box.x);
    const y = Math.round(mark.box.y);
    const w = Math.round(mark.box.x + mark.box.width) - x;
    const h = Math.round(mark.box.y + mark.box.height) - y;
    let svg = `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${mark.colour}" stroke-width="${stroke}"/>`;
    if (mark.caption) {
      const labelHeight = Math.round(font * 1.35);
      const labelWidth = Math.round(mark.caption.length * font * 0.6 + font * 0.6);
      const below = y + h + stroke + labelHeight <= height;
      const top = below ? y + h + Math.ceil(stroke / 2) : Math.max(0, y - Math.ceil(stroke / 2) - labelHeight);
      const left = Math.min(Math.max(0, x - Math.floor(stroke / 2)), Math.max(0, width - labelWidth));
      svg +=
        `<rect x="${left}" y="${top}" width="${labelWidth}" height="${labelHeight}" fill="${mark.colour}"/>` +
        `<text x="${left + Math.round(font * 0.3)}" y="${top + Math.round(font * 1.05)}" font-family="sans-serif" font-size="${font}" fill="${textColourOn(mark.colour)}">${escapeXml(mark.caption)}</text>`;
    }
    return svg;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

/**
 * Writes a copy of `file` with `marks` drawn on it to `target`: PNG for a `.png` target, else JPEG
 * (quality 90, full-resolution colour so thin boxes keep their colour). The photo is auto-oriented first, as the detector saw it.
 */
export async function drawFaceMarks(file: string, marks: readonly FaceMark[], target: string): Promise<void> {
  const image = sharp(file, { limitInputPixels: 100_000_000 }).rotate();
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  const drawn = image.composite([{ input: Buffer.from(faceMarksSvg(width, height, marks)), top: 0, left: 0 }]);
  await (path.extname(target).toLowerCase() === '.png' ? drawn.png() : drawn.jpeg({ quality: 90, chromaSubsampling: '4:4:4' })).toFile(target);
}

/** Where the drawn copy of `file` goes: `<out>/<name><ext>` (`ext` `.png` or `.jpg`). */
export function drawnCopyPath(out: string, file: string, ext: '.png' | '.jpg'): string {
  return path.join(out, `${path.parse(file).name}${ext}`);
}
