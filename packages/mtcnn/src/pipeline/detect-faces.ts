import { InvalidArgumentError, PvError, type FaceDetection, type FiveLandmarks, type Point, type RgbImage } from '@pv/core';
import { packAdaptiveAverage, summedAreaTable, type PlanarNormalization, type SummedAreaTable } from '@pv/vision';
import { cropRegion, regress, square, suppress, type Candidate } from './candidates.js';
import type { CropOutputs, MtcnnNetworks } from './networks.js';
import { pyramidLevelSize, pyramidScales } from './pyramid.js';

/** MTCNN's input normalisation: `(x − 127.5) · 0.0078125`. */
export const MTCNN_NORMALIZATION: PlanarNormalization = { mean: 127.5, std: 128 };

/** R-Net's and O-Net's crop sizes. */
const REFINE_SIZE = 24;
const OUTPUT_SIZE = 48;

/** Tunable parts of the detection; the defaults are facenet-pytorch's. */
export interface MtcnnDetectionOptions {
  /** Smallest face searched for, in pixels (default 20). */
  readonly minFaceSize?: number;
  /** Ratio between pyramid levels, in (0, 1) (default 0.709). */
  readonly scaleFactor?: number;
  /** Face probability thresholds of P-Net, R-Net and O-Net (default 0.6, 0.7, 0.7). */
  readonly thresholds?: readonly [number, number, number];
}

/** The options with their defaults filled in, checked. */
export function resolveDetectionOptions(options: MtcnnDetectionOptions = {}): Required<MtcnnDetectionOptions> {
  const minFaceSize = options.minFaceSize ?? 20;
  const scaleFactor = options.scaleFactor ?? 0.709;
  const thresholds = options.thresholds ?? [0.6, 0.7, 0.7];
  if (!(minFaceSize > 0 && Number.isFinite(minFaceSize))) {
    throw new InvalidArgumentError(`minFaceSize must be a positive number, got ${minFaceSize}`, { minFaceSize });
  }
  if (!(scaleFactor > 0 && scaleFactor < 1)) {
    throw new InvalidArgumentError(`scaleFactor must lie strictly between 0 and 1, got ${scaleFactor}`, { scaleFactor });
  }
  if (thresholds.length !== 3 || !thresholds.every((t) => t >= 0 && t <= 1)) {
    throw new InvalidArgumentError('thresholds must be three probabilities in [0, 1]', { thresholds: [...thresholds] });
  }
  return { minFaceSize, scaleFactor, thresholds };
}

/**
 * MTCNN face detection as facenet-pytorch implements it:
 *
 * 1. **P-Net** on every pyramid level (each level resized with adaptive average pooling, PyTorch's
 *    `interpolate(mode="area")`); cells scoring at least `thresholds[0]` become their 12x12-pixel windows,
 *    mapped back to the image; NMS at IoU 0.5 within each level, then 0.7 across levels; the regression is applied
 *    and boxes are made square.
 * 2. **R-Net** on 24x24 crops; candidates above `thresholds[1]` are kept, NMS at IoU 0.7, regression, squared.
 * 3. **O-Net** on 48x48 crops; candidates above `thresholds[2]` are kept, five landmarks decoded on the box
 *    that went in, regression applied, and a final NMS at 0.7 of intersection over the smaller box.
 *
 * Returns faces best score first. Boxes are facenet-pytorch's corners (`x = x1`, `width = x2 − x1`), not
 * clipped to the image, so cropping them as facenet-pytorch does reproduces its crops.
 */
export async function detectFaces(image: RgbImage, networks: MtcnnNetworks, options: MtcnnDetectionOptions = {}): Promise<FaceDetection[]> {
  const { minFaceSize, scaleFactor, thresholds } = resolveDetectionOptions(options);
  const scales = pyramidScales(image.width, image.height, minFaceSize, scaleFactor);
  if (scales.length === 0) return [];
  // Every pyramid level and crop is pooled from the image's running sums, computed once.
  const table = summedAreaTable(image);
  const proposals = await proposeFaces(table, networks, scales, thresholds[0]);
  const refined = await refineFaces(table, networks, proposals, thresholds[1]);
  return outputFaces(table, networks, refined, thresholds[2]);
}

async function proposeFaces(image: SummedAreaTable, networks: MtcnnNetworks, scales: readonly number[], threshold: number): Promise<Candidate[]> {
  const whole = { x: 0, y: 0, width: image.width, height: image.height };
  const all: { candidate: Candidate; reg: number[] }[] = [];
  for (const scale of scales) {
    const level = pyramidLevelSize(image.width, image.height, scale);
    const input = new Float32Array(3 * level.width * level.height);
    packAdaptiveAverage(image, whole, level.width, level.height, input, 0, MTCNN_NORMALIZATION);
    const { prob, reg, rows, columns } = await networks.propose(input, level.height, level.width);
    const cells = rows * columns;
    const found: { candidate: Candidate; reg: number[] }[] = [];
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const cell = row * columns + column;
        const score = prob[cells + cell] as number;
        if (!(score >= threshold)) continue;
        // A cell covers 12x12 level pixels at stride 2; facenet-pytorch maps it back with these roundings.
        const candidate = {
          x1: Math.floor((2 * column + 1) / scale),
          y1: Math.floor((2 * row + 1) / scale),
          x2: Math.floor((2 * column + 12) / scale),
          y2: Math.floor((2 * row + 12) / scale),
          score,
        };
        found.push({ candidate, reg: [0, 1, 2, 3].map((c) => reg[c * cells + cell] as number) });
      }
    }
    all.push(...keepSuppressed(found, 0.5));
  }
  return keepSuppressed(all, 0.7).map(({ candidate, reg }) => square(regress(candidate, reg, 0, 'exclusive')));
}

/** NMS over candidates that carry their regression. */
function keepSuppressed<T extends { candidate: Candidate }>(items: readonly T[], threshold: number): T[] {
  const byCandidate = new Map(items.map((item) => [item.candidate, item]));
  return suppress(
    items.map((item) => item.candidate),
    threshold,
    'union',
  ).map((c) => byCandidate.get(c) as T);
}

/** Crops of the candidates that lie (partly) inside the image, packed as a batch, and those candidates. */
function packCrops(image: SummedAreaTable, candidates: readonly Candidate[], size: number): { input: Float32Array; kept: Candidate[] } {
  const regions = candidates.map((c) => ({ candidate: c, region: cropRegion(c, image.width, image.height) }));
  const inside = regions.filter((r) => r.region !== undefined);
  const input = new Float32Array(inside.length * 3 * size * size);
  inside.forEach(({ region }, i) => {
    if (region) packAdaptiveAverage(image, region, size, size, input, i, MTCNN_NORMALIZATION);
  });
  return { input, kept: inside.map((r) => r.candidate) };
}

/** The candidates whose face probability passes `threshold`, rescored, with their row index. */
function passing(candidates: readonly Candidate[], outputs: CropOutputs, threshold: number): { candidate: Candidate; index: number }[] {
  const result: { candidate: Candidate; index: number }[] = [];
  candidates.forEach((candidate, index) => {
    const score = outputs.prob[2 * index + 1] as number;
    if (score > threshold) result.push({ candidate: { ...candidate, score }, index });
  });
  return result;
}

async function refineFaces(image: SummedAreaTable, networks: MtcnnNetworks, proposals: readonly Candidate[], threshold: number): Promise<Candidate[]> {
  const { input, kept } = packCrops(image, proposals, REFINE_SIZE);
  if (kept.length === 0) return [];
  const outputs = await networks.refine(input, kept.length);
  const scored = passing(kept, outputs, threshold);
  const byCandidate = new Map(scored.map((s) => [s.candidate, s.index]));
  return suppress(
    scored.map((s) => s.candidate),
    0.7,
    'union',
  ).map((c) => square(regress(c, outputs.reg, 4 * (byCandidate.get(c) as number), 'inclusive')));
}

async function outputFaces(image: SummedAreaTable, networks: MtcnnNetworks, refined: readonly Candidate[], threshold: number): Promise<FaceDetection[]> {
  const { input, kept } = packCrops(image, refined, OUTPUT_SIZE);
  if (kept.length === 0) return [];
  const outputs = await networks.output(input, kept.length);
  const points = outputs.landmarks;
  if (!points) throw new PvError('E_MODEL_FORMAT', 'MTCNN O-Net returned no landmarks');
  const faces = new Map<Candidate, FiveLandmarks>();
  const boxes: Candidate[] = [];
  for (const { candidate, index } of passing(kept, outputs, threshold)) {
    // Landmarks are fractions of the box that went into O-Net, counted MATLAB-style (size + 1, origin − 1).
    const width = candidate.x2 - candidate.x1 + 1;
    const height = candidate.y2 - candidate.y1 + 1;
    const landmark = (k: number): Point => ({
      x: width * (points[10 * index + k] as number) + candidate.x1 - 1,
      y: height * (points[10 * index + 5 + k] as number) + candidate.y1 - 1,
    });
    const box = regress(candidate, outputs.reg, 4 * index, 'inclusive');
    faces.set(box, [landmark(0), landmark(1), landmark(2), landmark(3), landmark(4)]);
    boxes.push(box);
  }
  return suppress(boxes, 0.7, 'minimum-inclusive').map((c) => ({
    box: { x: c.x1, y: c.y1, width: c.x2 - c.x1, height: c.y2 - c.y1 },
    score: c.score,
    landmarks: faces.get(c) as FiveLandmarks,
  }));
}
