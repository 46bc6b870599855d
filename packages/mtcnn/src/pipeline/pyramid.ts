/** The cell size P-Net looks at: a face of `minFaceSize` pixels is scaled to this many pixels at the first level. */
export const PNET_CELL_SIZE = 12;

/**
 * The image pyramid's scales, largest first, as facenet-pytorch computes them: the first scale brings a
 * face of `minFaceSize` pixels to P-Net's 12-pixel cell (`12 / minFaceSize`); each next scale is the
 * previous one times `factor`; levels are added while the image's shorter side, scaled, is at least 12.
 */
export function pyramidScales(width: number, height: number, minFaceSize: number, factor: number): number[] {
  const first = PNET_CELL_SIZE / minFaceSize;
  const scales: number[] = [];
  let scale = first;
  for (let side = Math.min(width, height) * first; side >= PNET_CELL_SIZE; side *= factor) {
    scales.push(scale);
    scale *= factor;
  }
  return scales;
}

/** The pixel size of the pyramid level at `scale`: `int(size · scale + 1)` per side, as facenet-pytorch rounds. */
export function pyramidLevelSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.trunc(width * scale + 1), height: Math.trunc(height * scale + 1) };
}
