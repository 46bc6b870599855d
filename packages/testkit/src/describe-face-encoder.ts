import { nameInput, type EncodedFace, type EncodeProgress, type EncodeResult, type FaceEncoder, type ImageInput } from '@pv/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPvError } from './expect-pv-error.js';

/** Makes the encoder under test; called once per suite and closed after it. */
export type FaceEncoderFactory = () => FaceEncoder | Promise<FaceEncoder>;

/** The inputs {@link describeFaceEncoder} runs the encoder on. */
export interface FaceEncoderFixtures {
  /** Inputs that each show exactly one face (at least two, giving different embeddings). */
  readonly oneFace: readonly ImageInput[];
  /** An input that shows no face. */
  readonly noFace: ImageInput;
  /** An input with at least two faces; the face-policy group is skipped without it. */
  readonly manyFaces?: ImageInput;
  /** Encoded bytes that are no image (default: a few bytes of garbage). */
  readonly badImage?: ImageInput;
  /** A path that does not exist; omit for encoders that read no paths. */
  readonly missingFile?: string;
  /** Absolute per-element tolerance when comparing embeddings of the same input. Default `1e-5`. */
  readonly tolerance?: number;
}

async function collect(results: AsyncIterable<EncodeResult>): Promise<EncodeResult[]> {
  const all: EncodeResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

/**
 * Registers a vitest suite that checks a {@link FaceEncoder} against version 1 of the contract of `@pv/core`:
 * its info; `encode` (one finite unit-length embedding per face, the crop it came from, the same result
 * twice); typed failures (`E_NO_FACE`, `E_BAD_IMAGE`, `E_NOT_FOUND`, `E_ABORTED`); the face policies on a
 * photo with several faces; `encodeMany` (one result per input with its index and name, failures as data,
 * progress events, arrays and async iterables, the same faces as `encode`); and abort (nothing new starts).
 * The encoder is closed after the suite.
 *
 * @example
 * ```ts
 * describeFaceEncoder('my encoder', () => openMyEncoder(), { oneFace: ['a.jpg', 'b.jpg'], noFace: 'wall.jpg' });
 * ```
 */
export function describeFaceEncoder(name: string, factory: FaceEncoderFactory, fixtures: FaceEncoderFixtures): void {
  const tolerance = fixtures.tolerance ?? 1e-5;
  const badImage = fixtures.badImage ?? new Uint8Array([0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]);

  describe(`FaceEncoder conformance: ${name}`, () => {
    let encoder: FaceEncoder;
    let expected: EncodedFace[][];

    beforeAll(async () => {
      encoder = await factory();
      expected = [];
      for (const input of fixtures.oneFace) expected.push(await encoder.encode(input));
    });

    afterAll(async () => {
      await encoder?.close();
    });

    const expectSameFaces = (actual: readonly EncodedFace[], want: readonly EncodedFace[] | undefined, what: string): void => {
      expect(actual.length, what).toBe(want?.length);
      actual.forEach((face, i) => {
        const other = want?.[i] as EncodedFace;
        expect(face.detection.score, `${what}: score`).toBeCloseTo(other.detection.score, 4);
        expect(face.crop, `${what}: crop`).toEqual(other.crop);
        let worst = 0;
        face.embedding.forEach((x, j) => (worst = Math.max(worst, Math.abs(x - (other.embedding[j] as number)))));
        expect(worst, `${what}: largest embedding difference`).toBeLessThanOrEqual(tolerance);
      });
    };

    describe('info', () => {
      it('names its detector and model, and how many inputs it runs at once', () => {
        expect(typeof encoder.info.detector).toBe('string');
        expect(encoder.info.detector.length).toBeGreaterThan(0);
        expect(encoder.info.model.id.length).toBeGreaterThan(0);
        expect(Number.isInteger(encoder.info.model.dimension) && encoder.info.model.dimension > 0).toBe(true);
        expect(Number.isInteger(encoder.info.concurrency) && encoder.info.concurrency >= 1).toBe(true);
      });
    });

    describe('encode', () => {
      it('has at least two one-face inputs', () => {
        expect(fixtures.oneFace.length).toBeGreaterThanOrEqual(2);
      });

      it('finds one face per one-face input, with a finite unit-length embedding of model.dimension', () => {
        for (const faces of expected) {
          expect(faces).toHaveLength(1);
          const face = faces[0] as EncodedFace;
          expect(face.embedding).toBeInstanceOf(Float32Array);
          expect(face.embedding.length).toBe(encoder.info.model.dimension);
          expect(face.embedding.every(Number.isFinite)).toBe(true);
          let sum = 0;
          for (const x of face.embedding) sum += x * x;
          expect(Math.abs(Math.sqrt(sum) - 1)).toBeLessThanOrEqual(1e-4);
        }
      });

      it('reports the detection and the crop the embedding came from', () => {
        const { alignment } = encoder.info.model;
        for (const [face] of expected) {
          const { box, score, landmarks } = (face as EncodedFace).detection;
          expect(box.width > 0 && box.height > 0).toBe(true);
          expect(Number.isFinite(score)).toBe(true);
          expect(landmarks).toHaveLength(5);
          expect((face as EncodedFace).crop).toEqual({ width: alignment.width, height: alignment.height, alignment: alignment.kind });
        }
      });

      it('gives different inputs different embeddings and the same input the same one', async () => {
        const first = expected[0]?.[0]?.embedding as Float32Array;
        expect(expected.some((faces) => faces[0]?.embedding.some((x, i) => x !== first[i])), 'all inputs gave one embedding').toBe(true);
        expectSameFaces(await encoder.encode(fixtures.oneFace[0] as ImageInput), expected[0], 'second call');
      });
    });

    describe('failures', () => {
      it('refuses an input without a face with E_NO_FACE', async () => {
        await expectPvError(encoder.encode(fixtures.noFace), 'E_NO_FACE');
      });

      it('refuses bytes that are no image with E_BAD_IMAGE', async () => {
        await expectPvError(encoder.encode(badImage), 'E_BAD_IMAGE');
      });

      it.skipIf(fixtures.missingFile === undefined)('refuses a missing file with E_NOT_FOUND', async () => {
        await expectPvError(encoder.encode(fixtures.missingFile as string), 'E_NOT_FOUND');
      });

      it('refuses a call whose signal is already aborted with E_ABORTED', async () => {
        await expectPvError(encoder.encode(fixtures.oneFace[0] as ImageInput, { signal: { aborted: true } }), 'E_ABORTED');
      });
    });

    describe.skipIf(fixtures.manyFaces === undefined)('face policy', () => {
      it('returns every face under `all`, most confident first', async () => {
        const faces = await encoder.encode(fixtures.manyFaces as ImageInput, { facePolicy: 'all' });
        expect(faces.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < faces.length; i++) {
          expect((faces[i] as EncodedFace).detection.score).toBeLessThanOrEqual((faces[i - 1] as EncodedFace).detection.score);
        }
      });

      it('returns one of them under `largest`', async () => {
        const all = await encoder.encode(fixtures.manyFaces as ImageInput, { facePolicy: 'all' });
        const [largest, ...rest] = await encoder.encode(fixtures.manyFaces as ImageInput, { facePolicy: 'largest' });
        expect(rest).toHaveLength(0);
        expect(all.some((f) => f.detection.score === largest?.detection.score && f.detection.box.x === largest?.detection.box.x)).toBe(true);
      });

      it('refuses several faces under `strict` with E_MULTIPLE_FACES', async () => {
        await expectPvError(encoder.encode(fixtures.manyFaces as ImageInput, { facePolicy: 'strict' }), 'E_MULTIPLE_FACES');
      });
    });

    describe('encodeMany', () => {
      it('yields one result per input with its index and name, failures as data, and a progress event each', async () => {
        const inputs = [...fixtures.oneFace, fixtures.noFace, { input: badImage, name: 'bad bytes' }];
        const progress: EncodeProgress[] = [];
        const results = await collect(encoder.encodeMany(inputs, { onProgress: (event) => progress.push(event) }));
        expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(inputs.map((_, i) => i));
        for (const result of results) {
          expect(result.name).toBe(nameInput(inputs[result.index] as ImageInput, result.index).name);
          if (result.index < fixtures.oneFace.length) {
            expect(result.ok, result.name).toBe(true);
            if (result.ok) expectSameFaces(result.faces, expected[result.index], `input ${result.index}`);
          }
        }
        const failures = results.filter((r) => !r.ok);
        expect(failures.map((r) => (r.ok ? '' : r.failure.code)).sort()).toEqual(['E_BAD_IMAGE', 'E_NO_FACE']);
        expect(failures.find((r) => r.index === inputs.length - 1)).toMatchObject({ name: 'bad bytes', failure: { file: 'bad bytes' } });
        expect(progress.map((p) => p.done)).toEqual(inputs.map((_, i) => i + 1));
        expect(progress.every((p) => p.total === inputs.length)).toBe(true);
        expect(progress.map((p) => p.name)).toEqual(results.map((r) => r.name));
        expect(progress.filter((p) => !p.ok).every((p) => p.failure !== undefined)).toBe(true);
      });

      it('takes an async iterable (total unknown) and gives nothing for no inputs', async () => {
        const progress: EncodeProgress[] = [];
        const results = await collect(encoder.encodeMany(slowly(fixtures.oneFace), { onProgress: (event) => progress.push(event) }));
        expect(results).toHaveLength(fixtures.oneFace.length);
        expect(results.every((r) => r.ok)).toBe(true);
        expect(progress.every((p) => p.total === undefined)).toBe(true);
        expect(await collect(encoder.encodeMany([]))).toEqual([]);
      });

      it('applies the face policy of the call', async () => {
        if (fixtures.manyFaces === undefined) return;
        const [strict] = await collect(encoder.encodeMany([fixtures.manyFaces], { facePolicy: 'strict' }));
        expect(strict).toMatchObject({ ok: false, failure: { code: 'E_MULTIPLE_FACES' } });
      });
    });

    describe('abort', () => {
      it('starts nothing once the signal is aborted, and yields only what was already running', async () => {
        const inputs = Array.from({ length: encoder.info.concurrency + 4 }, (_, i) => fixtures.oneFace[i % fixtures.oneFace.length] as ImageInput);
        // What pv reads of an AbortSignal (`AbortSignalLike`): a real AbortController works the same way.
        const signal = { aborted: false };
        const results = await collect(encoder.encodeMany(inputs, { signal, onProgress: () => (signal.aborted = true) }));
        expect(results.length).toBeGreaterThanOrEqual(1);
        // The first result, and at most what was running when it came.
        expect(results.length).toBeLessThanOrEqual(encoder.info.concurrency + 1);
        expect(await collect(encoder.encodeMany(inputs, { signal }))).toEqual([]);
      });

      it('is still usable after an aborted run', async () => {
        expectSameFaces(await encoder.encode(fixtures.oneFace[1] as ImageInput), expected[1], 'after abort');
      });
    });
  });
}
