import { beforeEach, describe, expect, it } from 'vitest';
import type { FaceAnalyzer } from './analysis.js';
import { isPvError } from './errors.js';
import type { FaceDetection } from './image.js';
import { MemoryStore } from './memory-store.js';
import { chooseFaces } from './face-policy.js';
import { UNKNOWN_LABEL } from './labels.js';
import { FaceRecognizer, type FaceRecognizerOptions, type ProgressEvent } from './recognizer.js';
import { CountingStore, ScriptedFaces, TableImageLoader, collect, failureOf, unit, unitCosine } from './recognizer.fixture.js';

// Directions in 3-d. alice and bob are orthogonal; "near" vectors are within the 0.3 threshold of unit-cosine.
const ALICE = [1, 0, 0];
const ALICE_NEAR = [1, 0.3, 0]; // distance 1 − 1/√1.09 ≈ 0.042
const BOB = [0, 1, 0];
const BOB_NEAR = [0.2, 1, 0]; // distance to bob ≈ 0.019, to alice ≈ 0.80
const CAROL = [0, 0, 1];
const STRANGER = [-1, -1, -1]; // far from everyone

let faces: ScriptedFaces;
beforeEach(() => {
  faces = new ScriptedFaces();
});

function recognizer(options: Partial<FaceRecognizerOptions> = {}): FaceRecognizer {
  return new FaceRecognizer({ detector: faces.detector, embedder: faces.embedder, align: faces.align, metric: unitCosine, ...options });
}

async function expectCode(action: Promise<unknown>, code: string): Promise<void> {
  const error = await failureOf(action);
  expect(isPvError(error) ? error.code : error).toBe(code);
}

/** A store holding the given people (label → directions), enrolled in order. */
async function storeWith(people: Record<string, number[][]>, modelId = 'scripted'): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const [label, vectors] of Object.entries(people)) {
    await store.add(vectors.map((v) => ({ label, vector: unit(v), modelId })));
  }
  return store;
}

describe('FaceRecognizer construction', () => {
  it('takes the embedder’s calibrated threshold for its metric, or an explicit one', () => {
    expect(recognizer().threshold).toBe(0.3);
    expect(recognizer({ threshold: 0.5 }).threshold).toBe(0.5);
  });

  it('refuses a metric the model has no threshold for, unless one is given', () => {
    const other = { ...unitCosine, id: 'l2' };
    expect(() => recognizer({ metric: other })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
    expect(recognizer({ metric: other, threshold: 0.7 }).threshold).toBe(0.7);
    expect(() => recognizer({ threshold: Number.NaN })).toThrow(expect.objectContaining({ code: 'E_INVALID_ARGUMENT' }));
  });

  it('needs an image loader for paths and bytes but not for decoded images', async () => {
    const r = recognizer();
    await expectCode(r.embedFaces('a.jpg'), 'E_INVALID_ARGUMENT');
    await expectCode(r.embedFaces(new Uint8Array(4)), 'E_INVALID_ARGUMENT');
    const photo = faces.photo({ vector: ALICE });
    expect(await r.embedFaces(photo)).toHaveLength(1);
  });
});

describe('generateEmbeddings from a directory', () => {
  const people = (): TableImageLoader =>
    new TableImageLoader({
      'in/alice_1.jpg': faces.photo({ vector: ALICE }),
      'in/alice_2.jpg': faces.photo({ vector: ALICE_NEAR }),
      'in/bob.jpg': faces.photo({ vector: BOB }),
      'in/team/carol.jpg': faces.photo({ vector: CAROL }),
      'elsewhere/dave.jpg': faces.photo({ vector: STRANGER }),
    });

  it('embeds every file, labelled by file name or subfolder, in path order, reporting progress', async () => {
    const events: ProgressEvent[] = [];
    const result = await recognizer({ images: people() }).generateEmbeddings({ directory: 'in' }, { onProgress: (e) => events.push(e) });
    expect(result.failures).toEqual([]);
    expect(result.aborted).toBe(false);
    expect(result.saved).toEqual([]);
    expect(result.embeddings.map((e) => [e.label, e.file])).toEqual([
      ['alice', 'in/alice_1.jpg'],
      ['alice', 'in/alice_2.jpg'],
      ['bob', 'in/bob.jpg'],
      ['team', 'in/team/carol.jpg'],
    ]);
    expect(Array.from(result.embeddings[2]?.embedding ?? [])).toEqual(Array.from(unit(BOB)));
    expect(result.embeddings[0]?.detection?.box).toEqual({ x: 0, y: 0, width: 4, height: 4 });
    expect(events).toEqual([
      { done: 1, total: 4, file: 'in/alice_1.jpg', ok: true },
      { done: 2, total: 4, file: 'in/alice_2.jpg', ok: true },
      { done: 3, total: 4, file: 'in/bob.jpg', ok: true },
      { done: 4, total: 4, file: 'in/team/carol.jpg', ok: true },
    ]);
  });

  it('reads labels from file names only, or from subfolders only (reporting files outside any)', async () => {
    const byName = await recognizer({ images: people() }).generateEmbeddings({ directory: 'in', layout: 'file-names' });
    expect(byName.embeddings.map((e) => e.label)).toEqual(['alice', 'alice', 'bob', 'carol']);
    const byFolder = await recognizer({ images: people() }).generateEmbeddings({ directory: 'in', layout: 'subfolders' });
    expect(byFolder.embeddings.map((e) => e.label)).toEqual(['team']);
    expect(byFolder.failures.map((f) => [f.file, f.code])).toEqual([
      ['in/alice_1.jpg', 'E_INVALID_ARGUMENT'],
      ['in/alice_2.jpg', 'E_INVALID_ARGUMENT'],
      ['in/bob.jpg', 'E_INVALID_ARGUMENT'],
    ]);
  });

  it('reports a bad file, a file without a face and an unexpected error, and goes on', async () => {
    const images = new TableImageLoader({
      'in/a_broken.jpg': null,
      'in/b_empty.jpg': faces.photo(),
      'in/c_alice.jpg': faces.photo({ vector: ALICE }),
      'in/d_weird.jpg': faces.photo({ vector: BOB }),
    });
    const detect = faces.detector.detect;
    const detector = {
      ...faces.detector,
      detect: async (image: Parameters<typeof detect>[0]) => {
        if (image === images.files['in/d_weird.jpg']) throw new Error('detector crashed');
        return detect(image);
      },
    };
    const events: ProgressEvent[] = [];
    const result = await recognizer({ images, detector }).generateEmbeddings({ directory: 'in' }, { onProgress: (e) => events.push(e) });
    expect(result.failures).toEqual([
      { file: 'in/a_broken.jpg', code: 'E_BAD_IMAGE', message: 'Cannot decode in/a_broken.jpg', details: { file: 'in/a_broken.jpg' } },
      { file: 'in/b_empty.jpg', code: 'E_NO_FACE', message: expect.stringContaining('in/b_empty.jpg'), details: { file: 'in/b_empty.jpg' } },
      { file: 'in/d_weird.jpg', code: 'E_UNEXPECTED', message: 'detector crashed' },
    ]);
    expect(result.embeddings.map((e) => e.label)).toEqual(['c_alice']);
    expect(events.map((e) => e.ok)).toEqual([false, false, true, false]);
  });

  it('fails as a whole when the directory does not exist or there is no loader', async () => {
    await expectCode(recognizer({ images: people() }).generateEmbeddings({ directory: 'nowhere' }), 'E_NOT_FOUND');
    await expectCode(recognizer().generateEmbeddings({ directory: 'in' }), 'E_INVALID_ARGUMENT');
  });

  it('saves to the store in batches, with model id, file and box', async () => {
    const store = new CountingStore();
    const images = new TableImageLoader(
      Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`in/p${i}.jpg`, faces.photo({ vector: [1, i, 0] })])),
    );
    const result = await recognizer({ images, store }).generateEmbeddings({ directory: 'in' }, { save: true, saveBatchSize: 2 });
    expect(store.addBatches).toEqual([2, 2, 1]);
    expect(result.saved).toHaveLength(5);
    const records = await collect(store.records());
    expect(records).toEqual(result.saved);
    expect(records[3]).toMatchObject({
      label: 'p3',
      modelId: 'scripted',
      source: { file: 'in/p3.jpg', box: { x: 0, y: 0, width: 4, height: 4 } },
    });
    expect(Array.from(records[3]?.vector ?? [])).toEqual(Array.from(unit([1, 3, 0])));
  });

  it('needs a store to save', async () => {
    await expectCode(recognizer({ images: people() }).generateEmbeddings({ directory: 'in' }, { save: true }), 'E_INVALID_ARGUMENT');
  });

  it('stops between files when aborted, keeping and saving what was done', async () => {
    const store = new CountingStore();
    const images = new TableImageLoader(
      Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`in/p${i}.jpg`, faces.photo({ vector: [1, i, 0] })])),
    );
    const signal = { aborted: false };
    const result = await recognizer({ images, store }).generateEmbeddings(
      { directory: 'in' },
      { save: true, saveBatchSize: 2, signal, onProgress: (e) => (signal.aborted = e.done === 3) },
    );
    expect(result.aborted).toBe(true);
    expect(result.embeddings.map((e) => e.label)).toEqual(['p0', 'p1', 'p2']);
    expect(store.addBatches).toEqual([2, 1]);
    expect((await collect(store.records())).map((r) => r.label)).toEqual(['p0', 'p1', 'p2']);
  });

  it('refuses to save into a store bound to another model before doing any work', async () => {
    const store = await storeWith({ alice: [ALICE] }, 'other-model');
    await expectCode(recognizer({ images: people(), store }).generateEmbeddings({ directory: 'in' }, { save: true }), 'E_MODEL_MISMATCH');
    expect(faces.detectCalls).toBe(0);
    expect(await store.count()).toBe(1);
  });
});

describe('generateEmbeddings from one image', () => {
  it('requires a label', async () => {
    const image = faces.photo({ vector: ALICE });
    for (const label of ['', '   ']) {
      await expectCode(recognizer().generateEmbeddings({ image, label }), 'E_INVALID_ARGUMENT');
    }
    await expectCode(recognizer().generateEmbeddings({ image } as unknown as { image: typeof image; label: string }), 'E_INVALID_ARGUMENT');
  });

  it('embeds it under the label and saves it when asked', async () => {
    const store = new MemoryStore();
    const image = faces.photo({ vector: ALICE });
    const result = await recognizer({ store }).generateEmbeddings({ image, label: 'alice', file: 'upload-1' }, { save: true });
    expect(result.embeddings).toHaveLength(1);
    expect(result.embeddings[0]).toMatchObject({ label: 'alice', file: 'upload-1' });
    expect(result.saved[0]).toMatchObject({ label: 'alice', source: { file: 'upload-1' } });
    expect(await store.count()).toBe(1);
  });

  it('throws instead of reporting when the one image fails', async () => {
    await expectCode(recognizer().generateEmbeddings({ image: faces.photo(), label: 'nobody' }), 'E_NO_FACE');
  });
});

describe('face policies', () => {
  const small = { x: 0, y: 0, width: 2, height: 2 };
  const large = { x: 3, y: 3, width: 5, height: 5 };

  it('largest (default) takes the largest face even when it is slightly less confident', async () => {
    const photo = faces.photo({ vector: ALICE, box: small, score: 0.99 }, { vector: BOB, box: large, score: 0.93 });
    const [face, ...rest] = await recognizer().embedFaces(photo);
    expect(rest).toEqual([]);
    expect(face?.detection.box).toEqual(large);
    expect(Array.from(face?.embedding ?? [])).toEqual(Array.from(unit(BOB)));
    const lowScoreBigBox = faces.photo({ vector: ALICE, box: small, score: 0.99 }, { vector: BOB, box: large, score: 0.6 });
    const [chosen] = await recognizer().embedFaces(lowScoreBigBox);
    expect(chosen?.detection.box).toEqual(small);
  });

  it('strict refuses several faces with E_MULTIPLE_FACES, all keeps every face in order', async () => {
    const photo = faces.photo({ vector: ALICE, box: small }, { vector: BOB, box: large });
    await expectCode(recognizer().embedFaces(photo, 'strict'), 'E_MULTIPLE_FACES');
    const all = await recognizer().embedFaces(photo, 'all');
    expect(all.map((f) => f.detection.box)).toEqual([small, large]);
    expect(faces.embedBatches.at(-1)).toBe(2);
    expect(await recognizer({ facePolicy: 'strict' }).embedFaces(faces.photo({ vector: ALICE }))).toHaveLength(1);
  });

  it('no face is E_NO_FACE under every policy', async () => {
    for (const policy of ['largest', 'strict', 'all'] as const) {
      await expectCode(recognizer().embedFaces(faces.photo(), policy), 'E_NO_FACE');
    }
  });

  it('apply to directories: one file per failure, every face under all', async () => {
    const images = new TableImageLoader({
      'in/pair.jpg': faces.photo({ vector: ALICE, box: small }, { vector: BOB, box: large }),
      'in/solo.jpg': faces.photo({ vector: CAROL }),
    });
    const strict = await recognizer({ images }).generateEmbeddings({ directory: 'in' }, { facePolicy: 'strict' });
    expect(strict.failures.map((f) => [f.file, f.code])).toEqual([['in/pair.jpg', 'E_MULTIPLE_FACES']]);
    expect(strict.embeddings.map((e) => e.label)).toEqual(['solo']);
    const all = await recognizer({ images, facePolicy: 'all' }).generateEmbeddings({ directory: 'in' });
    expect(all.embeddings.map((e) => [e.label, e.detection?.box])).toEqual([
      ['pair', small],
      ['pair', large],
      ['solo', { x: 0, y: 0, width: 4, height: 4 }],
    ]);
  });

  it('chooseFaces(largest) ignores a larger but much less confident detection', () => {
    const p = { x: 0, y: 0 };
    const landmarks = [p, p, p, p, p] as const;
    const face: FaceDetection = { box: { x: 10, y: 10, width: 40, height: 40 }, score: 0.99, landmarks };
    const wall: FaceDetection = { box: { x: 60, y: 0, width: 90, height: 90 }, score: 0.76, landmarks };
    const secondFace: FaceDetection = { box: { x: 0, y: 60, width: 60, height: 60 }, score: 0.95, landmarks };
    expect(chooseFaces([face, wall], 'largest')).toEqual([face]);
    expect(chooseFaces([face, wall, secondFace], 'largest')).toEqual([secondFace]);
  });

  it('chooseFaces names the file in its errors', () => {
    const detection: FaceDetection = { box: small, score: 1, landmarks: [small, small, small, small, small] };
    expect(() => chooseFaces([], 'largest', 'x.jpg')).toThrow(expect.objectContaining({ code: 'E_NO_FACE', details: { file: 'x.jpg' } }));
    expect(() => chooseFaces([detection, detection], 'strict', 'y.jpg')).toThrow(
      expect.objectContaining({ code: 'E_MULTIPLE_FACES', details: { count: 2, file: 'y.jpg' } }),
    );
    expect(chooseFaces([detection], 'strict')).toEqual([detection]);
  });
});

describe('verify (the reference’s compare_embeddings)', () => {
  it('matches the claimed label and predicts it', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE, [1, 0, 1]], bob: [BOB] }) });
    const result = await r.verify(faces.photo({ vector: ALICE_NEAR }), 'alice');
    expect(result.match).toBe(true);
    expect(result.prediction).toBe('alice');
    expect(result.distance).toBeCloseTo(1 - 1 / Math.sqrt(1.09), 6);
    expect(result.nearestDistance).toBe(result.distance);
    expect(result.threshold).toBe(0.3);
    expect(result.detection?.box).toEqual({ x: 0, y: 0, width: 4, height: 4 });
  });

  it('does not match another person’s claim, and predicts who it is', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE], bob: [BOB] }) });
    const result = await r.verify(faces.photo({ vector: BOB_NEAR }), 'alice');
    expect(result.match).toBe(false);
    expect(result.prediction).toBe('bob');
    expect(result.distance).toBeGreaterThan(result.nearestDistance);
  });

  it('verifies the largest clear face of a photo with several and says how many it held; strict refuses it', async () => {
    const store = await storeWith({ alice: [ALICE], bob: [BOB] });
    const small = { x: 0, y: 0, width: 2, height: 2 };
    const large = { x: 2, y: 2, width: 6, height: 6 };
    const pair = faces.photo({ vector: ALICE, box: small }, { vector: BOB, box: large });
    const result = await recognizer({ store }).verify(pair, 'bob');
    expect(result).toMatchObject({ match: true, prediction: 'bob', facesFound: 2 });
    expect(result.detection.box).toEqual(large);
    expect(result.detections.map((d) => d.box)).toEqual(expect.arrayContaining([small, large]));
    expect(result.detections).toHaveLength(2);
    expect((await recognizer({ store }).verify(faces.photo({ vector: ALICE }), 'alice')).facesFound).toBe(1);
    await expectCode(recognizer({ store, facePolicy: 'strict' }).verify(pair, 'bob'), 'E_MULTIPLE_FACES');
  });

  it('predicts "unknown" when even the nearest is beyond the threshold', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE], bob: [BOB] }) });
    const result = await r.verify(faces.photo({ vector: CAROL }), 'alice');
    expect(result).toMatchObject({ match: false, prediction: UNKNOWN_LABEL });
  });

  it('refuses a claimed label that is not enrolled with E_NOT_FOUND', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }) });
    await expectCode(r.verify(faces.photo({ vector: ALICE }), 'mallory'), 'E_NOT_FOUND');
    await expectCode(recognizer({ store: new MemoryStore() }).verify(faces.photo({ vector: ALICE }), 'alice'), 'E_NOT_FOUND');
  });

  it('compares against a passed list instead of a store', async () => {
    const against = [
      { label: 'alice', embedding: unit(ALICE) },
      { label: 'bob', embedding: unit(BOB) },
      { label: 'bob', embedding: unit(BOB_NEAR) },
    ];
    const result = await recognizer().verify(faces.photo({ vector: BOB_NEAR }), 'bob', against);
    expect(result.match).toBe(true);
    expect(result.prediction).toBe('bob');
    expect(result.distance).toBeCloseTo(0, 6);
    await expectCode(recognizer().verify(faces.photo({ vector: BOB }), 'carol', against), 'E_NOT_FOUND');
  });

  it('needs a store or a list, and a face', async () => {
    await expectCode(recognizer().verify(faces.photo({ vector: ALICE }), 'alice'), 'E_INVALID_ARGUMENT');
    await expectCode(recognizer().verify(faces.photo(), 'alice', []), 'E_NO_FACE');
  });

  it('refuses a store bound to another model with E_MODEL_MISMATCH', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }, 'other-model') });
    await expectCode(r.verify(faces.photo({ vector: ALICE }), 'alice'), 'E_MODEL_MISMATCH');
  });
});

describe('identify', () => {
  it('returns the top k distinct labels of every face, most similar first', async () => {
    const store = await storeWith({
      alice: [ALICE, ALICE_NEAR, [1, 0.1, 0]],
      bob: [BOB, BOB_NEAR],
      carol: [CAROL],
    });
    const photo = faces.photo({ vector: [1, 0.2, 0] }, { vector: STRANGER });
    const [first, second, ...rest] = await recognizer({ store }).identify(photo, { k: 2 });
    expect(rest).toEqual([]);
    expect(first?.candidates.map((c) => c.label)).toEqual(['alice', 'bob']);
    expect(first?.prediction).toBe('alice');
    expect(first?.candidates[0]?.distance).toBeLessThan(first?.candidates[1]?.distance ?? 0);
    expect(second?.candidates).toHaveLength(2);
    expect(second?.prediction).toBe(UNKNOWN_LABEL);
  });

  it('finds k distinct labels even when one person has many close embeddings', async () => {
    const many = Array.from({ length: 50 }, (_, i) => [1, i / 1000, 0]);
    const store = await storeWith({ alice: many, bob: [BOB], carol: [CAROL] });
    const [face] = await recognizer({ store }).identify(faces.photo({ vector: ALICE }), { k: 3 });
    expect(face?.candidates.map((c) => c.label)).toEqual(['alice', 'bob', 'carol']);
  });

  it('returns nothing for a photo without faces, and refuses another model’s store', async () => {
    expect(await recognizer({ store: await storeWith({ alice: [ALICE] }) }).identify(faces.photo())).toEqual([]);
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }, 'other-model') });
    await expectCode(r.identify(faces.photo({ vector: ALICE })), 'E_MODEL_MISMATCH');
  });
});

describe('compare', () => {
  it('says whether two photos show the same person', async () => {
    const r = recognizer();
    const same = await r.compare(faces.photo({ vector: ALICE }), faces.photo({ vector: ALICE_NEAR }));
    expect(same.match).toBe(true);
    expect(same.threshold).toBe(0.3);
    const different = await r.compare(faces.photo({ vector: ALICE }), faces.photo({ vector: BOB }));
    expect(different.match).toBe(false);
    expect(different.distance).toBeCloseTo(1, 6);
  });

  it('needs a face in both photos', async () => {
    await expectCode(recognizer().compare(faces.photo({ vector: ALICE }), faces.photo()), 'E_NO_FACE');
  });
});

describe('close', () => {
  it('closes the detector, the embedder and the store', async () => {
    const store = new MemoryStore();
    await recognizer({ store }).close();
    expect(faces.closed).toEqual({ detector: true, embedder: true });
    await expectCode(store.count(), 'E_STORE_CLOSED');
  });
});

describe('FaceRecognizer requireLive and per-call analyses', () => {
  // A scripted analyzer: a face whose detector score is below 0.8 is "not live" (score 0.2), others live (0.9).
  const analyzer: FaceAnalyzer = {
    kinds: ['liveness', 'pose'],
    analyze: async (_image, detection, kinds) => ({
      ...(kinds.includes('liveness')
        ? { liveness: detection.score < 0.8 ? { score: 0.2, threshold: 0.5, live: false } : { score: 0.9, threshold: 0.5, live: true } }
        : {}),
      ...(kinds.includes('pose') ? { pose: { yaw: 1, pitch: 2, roll: 3 } } : {}),
    }),
    close: async () => undefined,
  };

  it('verify refuses a face that is not live with E_FACE_REJECTED, the reason and the measured score', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }), analyzer });
    const error = await failureOf(r.verify(faces.photo({ vector: ALICE_NEAR, score: 0.7 }), 'alice', { requireLive: true }));
    expect(isPvError(error, 'E_FACE_REJECTED')).toBe(true);
    const details = (error as { details: { reasons: { code: string; measured: number; limit: number }[]; liveness: { score: number } } }).details;
    expect(details.reasons).toEqual([expect.objectContaining({ code: 'not-live', measured: 0.2, limit: 0.5 })]);
    expect(details.liveness.score).toBe(0.2);
    // Without requireLive the same face is verified.
    expect((await r.verify(faces.photo({ vector: ALICE_NEAR, score: 0.7 }), 'alice')).match).toBe(true);
  });

  it('verify passes a live face and returns the analyses asked for; the recognizer default applies per call', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }), analyzer, requireLive: true });
    const result = await r.verify(faces.photo({ vector: ALICE_NEAR }), 'alice', { analyses: ['pose'] });
    expect(result.match).toBe(true);
    expect(result.analysis).toEqual({ liveness: { score: 0.9, threshold: 0.5, live: true }, pose: { yaw: 1, pitch: 2, roll: 3 } });
    await expectCode(r.verify(faces.photo({ vector: ALICE_NEAR, score: 0.7 }), 'alice'), 'E_FACE_REJECTED');
    expect((await r.verify(faces.photo({ vector: ALICE_NEAR, score: 0.7 }), 'alice', { requireLive: false })).analysis).toBeUndefined();
  });

  it('identify reports a face that is not live as rejected, and identifies the others', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE], bob: [BOB] }), analyzer });
    const result = await r.identify(faces.photo({ vector: ALICE_NEAR, score: 0.95 }, { vector: BOB_NEAR, score: 0.7 }), { requireLive: true });
    expect(result.map((f) => f.prediction)).toEqual(['alice', UNKNOWN_LABEL]);
    expect(result[0]?.rejected).toBeUndefined();
    expect(result[1]?.candidates).toEqual([]);
    expect(result[1]?.rejected).toMatchObject({ code: 'E_FACE_REJECTED', details: { liveness: { score: 0.2, threshold: 0.5 } } });
    expect(result[1]?.analysis?.liveness?.live).toBe(false);
  });

  it('refuses requireLive on an encoder without the liveness analysis (never skips the check)', async () => {
    const r = recognizer({ store: await storeWith({ alice: [ALICE] }) });
    await expectCode(r.verify(faces.photo({ vector: ALICE }), 'alice', { requireLive: true }), 'E_INVALID_ARGUMENT');
    await expectCode(r.identify(faces.photo({ vector: ALICE }), { requireLive: true }), 'E_INVALID_ARGUMENT');
  });
});
