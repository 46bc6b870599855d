import { describe, expect, it } from 'vitest';
import { createRgbImage } from '@pv/core';
import { expectPvError } from '@pv/testkit';
import { FakeRuntime, tensor, type FakeNetwork } from './fake-runtime.fixture.js';
import { Rfb320Detector } from './rfb320-detector.js';

/** One candidate of the fake detector: face score and corner box in [0, 1]. */
type Candidate = readonly [score: number, x1: number, y1: number, x2: number, y2: number];

/** A fake RFB-320 network answering `candidates` (padded with background boxes to 4420 priors). */
function detectorAnswering(candidates: readonly Candidate[]): FakeNetwork {
  return () => {
    const scores = new Float32Array(4420 * 2);
    const boxes = new Float32Array(4420 * 4);
    candidates.forEach(([score, ...corners], i) => {
      scores.set([1 - score, score], 2 * i);
      boxes.set(corners, 4 * i);
    });
    return { scores: { data: scores, dims: [1, 4420, 2] }, boxes: { data: boxes, dims: [1, 4420, 4] } };
  };
}

const landmarksAtCentre: FakeNetwork = () => ({ output: tensor(new Array<number>(136).fill(0.5)) });
const photo = createRgbImage(640, 480, new Uint8Array(640 * 480 * 3).fill(127));

async function detectorFor(candidates: readonly Candidate[], settings = {}) {
  const runtime = new FakeRuntime({ rfb320: detectorAnswering(candidates), landmarks68: landmarksAtCentre });
  return { runtime, detector: await Rfb320Detector.open(runtime, settings) };
}

describe('Rfb320Detector', () => {
  it('feeds the photo resized to 320x240 as (x − 127) / 128', async () => {
    const { runtime, detector } = await detectorFor([]);
    await detector.detectBoxes(photo);
    const input = runtime.runners['rfb320']?.calls[0]?.['input'];
    expect(input?.dims).toEqual([1, 3, 240, 320]);
    expect(new Set(input?.data)).toEqual(new Set([0]));
  });

  it('scales boxes to the photo, keeps scores ≥ 0.65, drops overlaps by IoU NMS, best first', async () => {
    const { detector } = await detectorFor([
      [0.7, 0.5, 0.5, 0.75, 0.75],
      [0.9, 0.1, 0.1, 0.3, 0.4],
      [0.8, 0.11, 0.1, 0.31, 0.4], // overlaps the 0.9 box: suppressed
      [0.6, 0.8, 0.8, 0.9, 0.9], // below the threshold
      [0.95, 0.5, 0.5, 0.5, 0.6], // empty box: skipped
    ]);
    const boxes = await detector.detectBoxes(photo);
    expect(boxes.map((b) => b.score)).toEqual([Math.fround(0.9), Math.fround(0.7)]);
    expect(boxes[0]?.box.x).toBeCloseTo(64, 3);
    expect(boxes[0]?.box.y).toBeCloseTo(48, 3);
    expect(boxes[0]?.box.width).toBeCloseTo(128, 3);
    expect(boxes[0]?.box.height).toBeCloseTo(144, 3);
  });

  it('retries down to the fallback threshold only when nothing reaches the main one', async () => {
    const weak: Candidate = [0.5, 0.1, 0.1, 0.3, 0.4];
    expect(await (await detectorFor([weak])).detector.detectBoxes(photo)).toHaveLength(1);
    expect(await (await detectorFor([weak], { fallbackScoreThreshold: 0.65 })).detector.detectBoxes(photo)).toEqual([]);
    const withStrong = await (await detectorFor([weak, [0.9, 0.6, 0.6, 0.8, 0.9]])).detector.detectBoxes(photo);
    expect(withStrong.map((b) => b.score)).toEqual([Math.fround(0.9)]);
  });

  it('clips boxes to the photo and gives every face five landmarks from the landmark model', async () => {
    const { detector } = await detectorFor([[0.9, -0.1, 0.5, 0.3, 1.2]]);
    const [face] = await detector.detect(photo);
    expect(face?.box.x).toBe(0);
    expect(face!.box.y + face!.box.height).toBe(480);
    // Unclipped box: x −64..192, y 240..576; landmark crop: side 336 around (64, 408) → every point at its centre.
    for (const p of face!.landmarks) {
      expect(p.x).toBeCloseTo(64, 0);
      expect(p.y).toBeCloseTo(408, 0);
    }
  });

  it('reports missing outputs as E_MODEL_FORMAT', async () => {
    const runtime = new FakeRuntime({ rfb320: () => ({ scores: tensor([0, 1]) }), landmarks68: landmarksAtCentre });
    await expectPvError((await Rfb320Detector.open(runtime)).detectBoxes(photo), 'E_MODEL_FORMAT');
  });

  it('closes the detector when the landmark model cannot be opened, and both on close()', async () => {
    const failing = new FakeRuntime({ rfb320: detectorAnswering([]) });
    await expect(Rfb320Detector.open(failing)).rejects.toThrow(/no landmarks model/);
    expect(failing.runners['rfb320']?.closed).toBe(true);
    const { runtime, detector } = await detectorFor([]);
    await detector.close();
    expect([runtime.runners['rfb320']?.closed, runtime.runners['landmarks68']?.closed]).toEqual([true, true]);
  });

  it('opens the landmark model on its own runtime when given one', async () => {
    const main = new FakeRuntime({ rfb320: detectorAnswering([]) });
    const other = new FakeRuntime({ landmarks68: landmarksAtCentre });
    const detector = await Rfb320Detector.open(main, {}, other);
    expect(detector.id).toBe('rfb320');
    expect(other.runners['landmarks68']).toBeDefined();
  });
});
