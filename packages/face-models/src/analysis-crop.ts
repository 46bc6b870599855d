import type { Box, Point } from '@pv/core';
import type { AnalysisCrop } from '@pv/models';

/**
 * The photo region an analysis model sees for a face box (see `AnalysisCrop` in `@pv/models`), in whole
 * pixels and inside the photo. `eyes` crops are not box-based: use {@link eyeRegions}.
 */
export function analysisCropRegion(crop: Exclude<AnalysisCrop, { kind: 'eyes' }>, box: Box, imageWidth: number, imageHeight: number): Box {
  const maxX = imageWidth - 1;
  const maxY = imageHeight - 1;
  switch (crop.kind) {
    case 'centred-scale': {
      // The scale shrinks until the scaled box fits the photo, then the box is shifted inside it.
      const scale = Math.min(maxY / box.height, maxX / box.width, crop.scale);
      const w = box.width * scale;
      const h = box.height * scale;
      let x1 = box.x + box.width / 2 - w / 2;
      let y1 = box.y + box.height / 2 - h / 2;
      x1 = Math.min(Math.max(x1, 0), maxX - w);
      y1 = Math.min(Math.max(y1, 0), maxY - h);
      return clipped(x1, y1, x1 + w, y1 + h, maxX, maxY);
    }
    case 'expand': {
      const mx = box.width * crop.margin;
      const my = box.height * crop.margin;
      return clipped(box.x - mx, box.y - my, box.x + box.width + mx, box.y + box.height + my, maxX, maxY);
    }
    case 'anchored':
      return clipped(box.x, box.y, box.x + box.width * crop.scale, box.y + box.height * crop.scale, maxX, maxY);
  }
}

/**
 * The two eye squares for the eye model from 68 landmarks (zero-based iBUG order): per eye, centred on the
 * mean of its four eyelid points (37, 38, 40, 41 and 43, 44, 46, 47), side = `padding` × the distance between
 * its corners (36–39 and 42–45), clipped to the photo. Returned as [image-left eye, image-right eye].
 */
export function eyeRegions(points: readonly Point[], padding: number, imageWidth: number, imageHeight: number): [Box, Box] {
  const eye = (lids: readonly number[], a: number, b: number): Box => {
    const cx = lids.reduce((s, i) => s + points[i]!.x, 0) / lids.length;
    const cy = lids.reduce((s, i) => s + points[i]!.y, 0) / lids.length;
    const pa = points[a]!;
    const pb = points[b]!;
    const side = Math.max(2, Math.hypot(pb.x - pa.x, pb.y - pa.y) * padding);
    return clipped(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, imageWidth - 1, imageHeight - 1);
  };
  return [eye([37, 38, 40, 41], 36, 39), eye([43, 44, 46, 47], 42, 45)];
}

function clipped(x1: number, y1: number, x2: number, y2: number, maxX: number, maxY: number): Box {
  const left = Math.min(maxX, Math.max(0, Math.floor(x1)));
  const top = Math.min(maxY, Math.max(0, Math.floor(y1)));
  const right = Math.max(left + 1, Math.min(maxX + 1, Math.round(x2)));
  const bottom = Math.max(top + 1, Math.min(maxY + 1, Math.round(y2)));
  return { x: left, y: top, width: right - left, height: bottom - top };
}
