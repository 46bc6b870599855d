import { createRgbImage } from '@pv/core';
import { describe, expect, it } from 'vitest';
import { detectFaces } from './detect-faces.js';
import type { CropOutputs, MtcnnNetworks, ProposalMaps } from './networks.js';

/** P-Net's map size for an input side (3x3 conv, 2/2 pool rounding up, two 3x3 convs). */
const cells = (size: number): number => Math.ceil((size - 4) / 2) + 1 - 4;

/** Scores and regressions the scripted networks return, and what they were given. */
interface Script {
  /** Face probability of P-Net cell (row 2, column 3) on the first pyramid level; every other cell scores 0. */
  readonly proposal: number;
  readonly refine: number;
  readonly output: number;
  readonly landmarks: readonly number[];
}

class ScriptedNetworks implements MtcnnNetworks {
  readonly levels: { height: number; width: number }[] = [];
  readonly refineInputs: Float32Array[] = [];
  readonly #script: Script;

  constructor(script: Script) {
    this.#script = script;
  }

  async propose(_input: Float32Array, height: number, width: number): Promise<ProposalMaps> {
    const rows = cells(height);
    const columns = cells(width);
    const prob = new Float32Array(2 * rows * columns);
    if (this.levels.length === 0) prob[rows * columns + 2 * columns + 3] = this.#script.proposal;
    this.levels.push({ height, width });
    return { prob, reg: new Float32Array(4 * rows * columns), rows, columns };
  }

  async refine(input: Float32Array, count: number): Promise<CropOutputs> {
    this.refineInputs.push(input);
    return { prob: Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 === 1 ? this.#script.refine : 0)), reg: new Float32Array(4 * count) };
  }

  async output(_input: Float32Array, count: number): Promise<CropOutputs> {
    return {
      prob: Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 === 1 ? this.#script.output : 0)),
      reg: new Float32Array(4 * count),
      landmarks: Float32Array.from({ length: 10 * count }, (_, i) => this.#script.landmarks[i % 10] as number),
    };
  }
}

const white = createRgbImage(100, 80, new Uint8Array(100 * 80 * 3).fill(255));
const landmarks = [0.25, 0.75, 0.5, 0.3, 0.7, 0.3, 0.3, 0.5, 0.7, 0.7];

describe('detectFaces (scripted networks)', () => {
  it('maps a P-Net cell back to the image, squares it, and decodes O-Net landmarks on the box that went in', async () => {
    const networks = new ScriptedNetworks({ proposal: 0.9, refine: 0.8, output: 0.95, landmarks });
    const faces = await detectFaces(white, networks);
    // Levels: 100x80 at 0.6 · 0.709^k while 80 · scale ≥ 12.
    expect(networks.levels[0]).toEqual({ height: 49, width: 61 });
    expect(networks.levels).toHaveLength(5);
    // Cell (row 2, column 3) at scale 0.6: x1 = floor(7 / 0.6) = 11, y1 = floor(5 / 0.6) = 8, x2 = floor(18 / 0.6) = 30,
    // y2 = floor(16 / 0.6) = 26; squared around its centre: side 19.
    expect(faces).toHaveLength(1);
    const [face] = faces;
    expect(face?.box).toEqual({ x: 11, y: 7.5, width: 19, height: 19 });
    expect(face?.score).toBeCloseTo(0.95, 6);
    // Landmarks: (x2 − x1 + 1) · fraction + x1 − 1, likewise in y (fractions as float32, as networks give them).
    const fraction = (i: number): number => Math.fround(landmarks[i] as number);
    expect(face?.landmarks.map((p) => [p.x, p.y])).toEqual([0, 1, 2, 3, 4].map((k) => [20 * fraction(k) + 10, 20 * fraction(5 + k) + 6.5]));
    // R-Net saw one 24x24 crop of the white image, normalised as (255 − 127.5) / 128.
    expect(networks.refineInputs[0]?.length).toBe(3 * 24 * 24);
    expect(networks.refineInputs[0]?.every((v) => v === 0.99609375)).toBe(true);
  });

  it('keeps P-Net scores equal to its threshold but not R-Net or O-Net scores equal to theirs (as facenet-pytorch compares)', async () => {
    expect(await detectFaces(white, new ScriptedNetworks({ proposal: 0.6, refine: 0.8, output: 0.8, landmarks }), { thresholds: [0.6, 0.7, 0.7] })).toHaveLength(1);
    expect(await detectFaces(white, new ScriptedNetworks({ proposal: 0.59, refine: 0.8, output: 0.8, landmarks }), { thresholds: [0.6, 0.7, 0.7] })).toHaveLength(0);
    expect(await detectFaces(white, new ScriptedNetworks({ proposal: 0.9, refine: 0.5, output: 0.8, landmarks }), { thresholds: [0.6, 0.5, 0.7] })).toHaveLength(0);
    expect(await detectFaces(white, new ScriptedNetworks({ proposal: 0.9, refine: 0.8, output: 0.5, landmarks }), { thresholds: [0.6, 0.7, 0.5] })).toHaveLength(0);
  });

  it('runs no network on an image smaller than the smallest face', async () => {
    const networks = new ScriptedNetworks({ proposal: 1, refine: 1, output: 1, landmarks });
    expect(await detectFaces(createRgbImage(19, 100), networks)).toEqual([]);
    expect(networks.levels).toHaveLength(0);
  });

  it('refuses invalid options', async () => {
    const networks = new ScriptedNetworks({ proposal: 1, refine: 1, output: 1, landmarks });
    for (const options of [{ minFaceSize: 0 }, { scaleFactor: 1 }, { scaleFactor: 0 }, { thresholds: [0.6, 1.2, 0.7] as const }]) {
      await expect(detectFaces(white, networks, options)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    }
  });
});
