// int8 (pv models quantize) against float, side by side in one run: accuracy on LFW fold 1 and CelebA-sample
// pairs, agreement of embeddings and detection boxes, and speed per face and per photo on one thread.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chooseFaces, type FaceDetection, type FaceRecognizer, type RgbImage } from '@pv/core';
import { createFaceRecognizer, createImageLoader, onnxNodeRuntime, OnnxEmbedder, Rfb320Detector } from '@pv/embedder-onnx-node';
import type { TensorData } from '@pv/face-models';
import { defaultCatalog } from '@pv/models';
import { cosine } from '../../metric-cosine/src/index.js';
import { openFaceEncoder } from '../../pipeline-node/src/index.js';
import { measureMode } from '../../../apps/server/bench/index.js';
import { multipartFile } from '../../../apps/server/src/load.fixture.js';
import { evaluatePairs, type EvaluationReport, type VerificationPair } from '@pv/eval';
import { loadLfwDataset } from '@pv/eval/node';
import { ensureModelFile, fetchPackageFiles, loadLocalModels, modelsCacheDir } from '@pv/model-fetch';
import { alignFace, iou } from '@pv/vision';
import * as ortWeb from 'onnxruntime-web';
import { countModelFlops } from '../../embedder-onnx-node/bench/flops.js';
import { DEMO_SAMPLE_FILES, DEMO_SAMPLE_PACKAGE } from '../../../apps/cli/src/demo-samples.js';
import { coreThroughput, measureCpuGhz, medianMs } from '../../../scripts/bench-timing.js';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { cosineSimilarity } from '../src/agreement.js';
import { openOnNode, quantizeCatalogModel, recordCalibrationSet } from '../src/node/index.js';
import { recordingRuntime } from '../src/record-inputs.js';
import { quantizeModel, type QuantizeModelOptions } from '../src/quantize.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** CelebA sample pairs: consecutive photos of each person (same), and photo i of person p against photo i of person p+1 (different). */
function celebaPairs(dir: string): VerificationPair[] {
  const people = readdirSync(dir).sort();
  const photos = people.map((p) => readdirSync(path.join(dir, p)).sort().map((f) => `${p}/${f}`));
  const pairs: VerificationPair[] = [];
  photos.forEach((list) => list.slice(1).forEach((b, i) => pairs.push({ a: list[i] as string, b, same: true })));
  photos.forEach((list, p) => {
    const other = photos[(p + 1) % photos.length] as string[];
    list.forEach((a, i) => other[i] !== undefined && pairs.push({ a, b: other[i] as string, same: false }));
  });
  return pairs;
}


/**
 * The aligned face pv's float pipeline (RFB-320, 68 landmarks, alignment, the recognizer's default `largest` face
 * policy) gives MobileFaceNet for each image, by image.
 */
async function alignedFaces(images: readonly string[], file: (image: string) => string): Promise<Map<string, Readonly<Record<string, TensorData>>>> {
  const runtime = recordingRuntime(onnxNodeRuntime({}), 'mobilefacenet');
  const detector = await Rfb320Detector.open(runtime, {});
  const embedder = await OnnxEmbedder.open(runtime, { model: 'mobilefacenet' });
  const loader = createImageLoader();
  const found: string[] = [];
  try {
    for (const image of images) {
      const photo = await loader.load(file(image));
      const detections = await detector.detect(photo);
      if (detections.length === 0) continue;
      const [face] = chooseFaces(detections, 'largest');
      await embedder.embed([alignFace(photo, face as FaceDetection, embedder.model.alignment)]);
      found.push(image);
    }
  } finally {
    await Promise.all([detector.close(), embedder.close()]);
  }
  return new Map(found.map((image, i) => [image, runtime.recorded[i] as Readonly<Record<string, TensorData>>]));
}

/** The L2-normalised first output of `model` for every face. */
async function embedAll(model: Uint8Array, faces: ReadonlyMap<string, Readonly<Record<string, TensorData>>>): Promise<Map<string, Float32Array>> {
  const runner = await openOnNode()(model);
  const out = new Map<string, Float32Array>();
  try {
    for (const [image, feed] of faces) {
      const e = Float32Array.from((await runner.run(feed))[runner.outputNames[0] ?? '']?.data ?? []);
      let norm = 0;
      for (const v of e) norm += v * v;
      out.set(image, e.map((v) => v / Math.sqrt(norm)));
    }
  } finally {
    await runner.close();
  }
  return out;
}

const bench: BenchModule = {
  title: 'int8 (QDQ, pv models quantize) against float: accuracy and speed, side by side',
  order: 45,
  async run(ctx) {
    await loadLocalModels();
    const demo = await fetchPackageFiles(DEMO_SAMPLE_PACKAGE, DEMO_SAMPLE_FILES, path.join(modelsCacheDir(), 'samples', `face-api-${DEMO_SAMPLE_PACKAGE.version}`));
    const origin = `the demo photos of ${DEMO_SAMPLE_PACKAGE.package}@${DEMO_SAMPLE_PACKAGE.version}`;
    const quantized = [];
    for (const [id, prelu] of [['mobilefacenet', 'keep'], ['mobilefacenet', 'decompose'], ['rfb320', 'keep']] as const) {
      ctx.log(`quantizing ${id} (PRelu ${prelu})`);
      const started = Date.now();
      const made = await quantizeCatalogModel(id, { photos: demo, origin, prelu, ...(prelu === 'decompose' ? { id: `${id}-int8-decompose` } : {}), onStep: ctx.log });
      quantized.push({ ...made, seconds: (Date.now() - started) / 1000 });
    }

    // Variants of the fast (PRelu decompose) graph, each against float on the same aligned LFW faces: the
    // embedder alone, fed exactly what the float pipeline feeds it (one detection and alignment for all).
    const lfwData = await loadLfwDataset(path.join(ctx.sharedDir, 'data', 'lfw-fold1'));
    const variantPairs = ctx.quick ? [...lfwData.pairs.slice(0, 30), ...lfwData.pairs.slice(300, 330)] : lfwData.pairs;
    ctx.log('recording the aligned LFW faces');
    const faces = await alignedFaces([...new Set(variantPairs.flatMap((p) => [p.a, p.b]))], (i) => lfwData.imagePath(i));
    const floatBytes = new Uint8Array(await readFile(await ensureModelFile('mobilefacenet')));
    const celebaRoot = path.join(ctx.sharedDir, 'data', 'celeba-sample');
    const celebaPhotos = readdirSync(celebaRoot).sort().flatMap((p) => readdirSync(path.join(celebaRoot, p)).sort().map((f) => path.join(celebaRoot, p, f)));
    const demoSet = await recordCalibrationSet('mobilefacenet', demo, { catalog: defaultCatalog });
    const largerSet = await recordCalibrationSet('mobilefacenet', [...demo, ...celebaPhotos], { catalog: defaultCatalog });
    const fastVariants: { name: string; model: Uint8Array; seconds?: number; note?: string }[] = [
      { name: 'float (mobilefacenet)', model: floatBytes },
      { name: 'int8 PRelu keep (`mobilefacenet-int8` above)', model: new Uint8Array(await readFile(quantized[0]?.onnxFile as string)) },
      { name: 'int8 PRelu decompose (`mobilefacenet-int8-decompose` above: weight bias correction, accuracy search)', model: new Uint8Array(await readFile(quantized[1]?.onnxFile as string)) },
    ];
    const made: [string, readonly Readonly<Record<string, TensorData>>[], Partial<QuantizeModelOptions>][] = [
      ['decompose, weight bias correction, no search', demoSet.inputs, { biasCorrection: 'weights', targetCosine: 0 }],
      ['decompose, empirical bias correction, no search', demoSet.inputs, { biasCorrection: 'empirical', targetCosine: 0 }],
      ['decompose, empirical bias correction, accuracy search', demoSet.inputs, { biasCorrection: 'empirical' }],
      [`decompose, weight bias correction, no search, calibrated on demo + CelebA-sample photos (${largerSet.inputs.length} faces)`, largerSet.inputs, { biasCorrection: 'weights', targetCosine: 0 }],
    ];
    for (const [name, inputs, options] of made) {
      ctx.log(`quantizing: ${name}`);
      const started = Date.now();
      const q = await quantizeModel(floatBytes, inputs, { open: openOnNode(), prelu: 'decompose', ...options });
      fastVariants.push({ name: `int8 ${name}`, model: q.model, seconds: (Date.now() - started) / 1000, note: `float: ${q.report.float.join(', ')}` });
    }
    const variantRows: string[] = [];
    let floatEmbeddings: Map<string, Float32Array> | undefined;
    for (const v of fastVariants) {
      ctx.log(`LFW, embedder only: ${v.name}`);
      const embedded = await embedAll(v.model, faces);
      floatEmbeddings ??= embedded;
      const report = await evaluatePairs({ pairs: variantPairs, metric: cosine, folds: 10, fallback: { policy: 'count-as-wrong' }, embed: async (image) => embedded.get(image) ?? null });
      let minCosine = 1;
      let below = 0;
      for (const [image, a] of floatEmbeddings) {
        const c = cosineSimilarity(a, embedded.get(image) as Float32Array);
        minCosine = Math.min(minCosine, c);
        if (c < 0.99) below++;
      }
      const cv = report.crossValidation;
      variantRows.push(`| ${v.name} | ${pct(cv.accuracyMean)} ± ${pct(cv.accuracyStd)} | ${report.auc.toFixed(4)} | ${minCosine.toFixed(4)} | ${below} | ${v.seconds === undefined ? '–' : `${v.seconds.toFixed(0)} s`} | ${v.note ?? ''} |`);
    }
    // Speed of each variant per face, one thread: the models take turns on each batch of 10 faces (so a change
    // in the machine's load falls on all of them alike), 5 rounds; per model and batch the fastest round counts.
    const timingFaces = [...faces.values()].slice(0, ctx.quick ? 10 : 60);
    const runners = await Promise.all(fastVariants.map((v) => openOnNode()(v.model)));
    const batches = Array.from({ length: Math.ceil(timingFaces.length / 10) }, (_, b) => timingFaces.slice(b * 10, b * 10 + 10));
    const best: number[][] = fastVariants.map(() => batches.map(() => Infinity));
    try {
      for (const runner of runners) for (const feed of timingFaces) await runner.run(feed); // warm-up
      for (let round = 0; round < 5; round++) {
        for (const [b, batch] of batches.entries()) {
          for (const [i, runner] of runners.entries()) {
            const started = performance.now();
            for (const feed of batch) await runner.run(feed);
            const row = best[i] as number[];
            row[b] = Math.min(row[b] as number, performance.now() - started);
          }
        }
      }
    } finally {
      await Promise.all(runners.map((r) => r.close()));
    }
    const perFaceMs = best.map((row) => row.reduce((sum, ms) => sum + ms, 0) / timingFaces.length);
    const lowest = (i: number): number => perFaceMs[i] as number;
    const floatFaceMs = lowest(0);
    const speedRows = fastVariants.map((v, i) => `| ${v.name} | ${lowest(i).toFixed(2)} | ${(lowest(i) / floatFaceMs).toFixed(2)}x |`);

    const lfw = lfwData;
    const celebaDir = path.join(ctx.sharedDir, 'data', 'celeba-sample');
    const sets = [
      { name: 'LFW fold 1', pairs: ctx.quick ? [...lfw.pairs.slice(0, 30), ...lfw.pairs.slice(300, 330)] : lfw.pairs, file: (i: string) => lfw.imagePath(i) },
      { name: 'CelebA sample', pairs: celebaPairs(celebaDir), file: (i: string) => path.join(celebaDir, i) },
    ];
    const variants = [
      { name: 'float (rfb320 + mobilefacenet)', detector: 'rfb320', model: 'mobilefacenet' },
      { name: 'int8 embedder, PRelu keep (rfb320 + mobilefacenet-int8)', detector: 'rfb320', model: 'mobilefacenet-int8' },
      { name: 'int8 embedder, PRelu decompose (rfb320 + mobilefacenet-int8-decompose)', detector: 'rfb320', model: 'mobilefacenet-int8-decompose' },
      { name: 'int8 both (rfb320-int8 + mobilefacenet-int8)', detector: 'rfb320-int8', model: 'mobilefacenet-int8' },
    ];

    // Accuracy, and the embeddings of every photo for the agreement figures.
    const accuracy: string[] = [];
    const embeddings = new Map<string, Map<string, Float32Array>>();
    for (const set of sets) {
      for (const v of variants) {
        ctx.log(`${set.name}: ${v.name}`);
        const recognizer: FaceRecognizer = await createFaceRecognizer({ detector: { model: v.detector }, embedder: { model: v.model } });
        const kept = embeddings.get(v.name) ?? new Map<string, Float32Array>();
        embeddings.set(v.name, kept);
        let report: EvaluationReport;
        try {
          report = await evaluatePairs({
            pairs: set.pairs,
            metric: recognizer.metric,
            folds: 10,
            fallback: { policy: 'count-as-wrong' },
            embed: async (image) => {
              const e = (await recognizer.embedFaces(set.file(image)))[0]?.embedding ?? null;
              if (e) kept.set(`${set.name}/${image}`, e);
              return e;
            },
          });
        } finally {
          await recognizer.close();
        }
        const cv = report.crossValidation;
        const tar = report.tarAtFar.find((t) => t.far >= 0.01) ?? report.tarAtFar.at(-1);
        accuracy.push(
          `| ${set.name} (${set.pairs.length} pairs) | ${v.name} | ${pct(cv.accuracyMean)} ± ${pct(cv.accuracyStd)} | ${report.bestThreshold.threshold.toFixed(4)} | ${report.auc.toFixed(4)} | ${tar ? `${pct(tar.tar)} at FAR ${tar.far.toFixed(3)}` : '–'} | ${report.images.detected}/${report.images.total} |`,
        );
      }
    }
    const floatName = variants[0]?.name as string;
    const agreementLines: string[] = [];
    for (const int8Name of [variants[1]?.name as string, variants[2]?.name as string]) {
      let minCosine = 1;
      let maxDiff = 0;
      let count = 0;
      let below = 0;
      for (const [key, a] of embeddings.get(floatName) ?? []) {
        const b = embeddings.get(int8Name)?.get(key);
        if (!b) continue;
        const c = cosineSimilarity(a, b);
        count++;
        if (c < 0.99) below++;
        minCosine = Math.min(minCosine, c);
        for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs((a[i] as number) - (b[i] as number)));
      }
      agreementLines.push(`| ${int8Name} | ${count} | ${minCosine.toFixed(4)} | ${below} | ${maxDiff.toFixed(4)} |`);
    }

    // Detection agreement and speed, on LFW photos.
    const loader = createImageLoader();
    const files = [...new Set(lfw.pairs.flatMap((p) => [p.a, p.b]))].slice(0, ctx.quick ? 20 : 120).map((i) => lfw.imagePath(i));
    const images = await Promise.all(files.map((f) => loader.load(f)));
    const detectors = { float: await Rfb320Detector.create(), int8: await Rfb320Detector.create({ model: 'rfb320-int8' }) };
    const embedders = { float: await OnnxEmbedder.create(), int8: await OnnxEmbedder.create({ model: 'mobilefacenet-int8' }) };
    const decomposedEmbedder = await OnnxEmbedder.create({ model: 'mobilefacenet-int8-decompose' });
    const ious: number[] = [];
    const crops: RgbImage[] = [];
    for (const image of images) {
      const [a] = await detectors.float.detect(image);
      const [b] = await detectors.int8.detect(image);
      if (a && b) ious.push(iou(a.box, b.box));
      if (a) crops.push(alignFace(image, a, embedders.float.model.alignment));
    }
    ctx.log('timing');
    const time = {} as Record<'embedFloat' | 'embedInt8' | 'embedDecomposed' | 'detectFloat' | 'detectInt8' | 'photoFloat' | 'photoInt8' | 'photoDecomposed', number>;
    for (let round = 0; round < 2; round++) {
      time.embedFloat = await medianMs(3, async () => { for (const c of crops) await embedders.float.embed([c]); }) / crops.length;
      time.embedInt8 = await medianMs(3, async () => { for (const c of crops) await embedders.int8.embed([c]); }) / crops.length;
      time.embedDecomposed = await medianMs(3, async () => { for (const c of crops) await decomposedEmbedder.embed([c]); }) / crops.length;
      time.detectFloat = await medianMs(3, async () => { for (const i of images) await detectors.float.detect(i); }) / images.length;
      time.detectInt8 = await medianMs(3, async () => { for (const i of images) await detectors.int8.detect(i); }) / images.length;
      for (const kind of ['float', 'int8'] as const) {
        const ms = await medianMs(3, async () => {
          for (const file of files) {
            const image = await loader.load(file);
            const [face] = await detectors[kind].detect(image);
            if (face) await embedders[kind].embed([alignFace(image, face, embedders[kind].model.alignment)]);
          }
        });
        time[kind === 'float' ? 'photoFloat' : 'photoInt8'] = ms / files.length;
      }
      // int8 detector and the decomposed int8 embedder: the fastest pair.
      time.photoDecomposed = (await medianMs(3, async () => {
        for (const file of files) {
          const image = await loader.load(file);
          const [face] = await detectors.int8.detect(image);
          if (face) await decomposedEmbedder.embed([alignFace(image, face, decomposedEmbedder.model.alignment)]);
        }
      })) / files.length;
    }
    await Promise.all([detectors.float.close(), detectors.int8.close(), embedders.float.close(), embedders.int8.close(), decomposedEmbedder.close()]);

    // The worker pool with the int8 models (rfb320-int8 + decomposed int8 embedder): 1 vs 2 workers, same photos, alternated.
    ctx.log('pool scaling');
    const poolFiles = files.slice(0, ctx.quick ? 20 : 100);
    const poolRate: Record<string, number[]> = { '1': [], '2': [] };
    const pools = { '1': await openFaceEncoder({ detector: 'rfb320', model: 'mobilefacenet-int8-decompose', threads: 1 }), '2': await openFaceEncoder({ detector: 'rfb320', model: 'mobilefacenet-int8-decompose', threads: 2 }) };
    try {
      for (let round = 0; round < 3; round++) {
        for (const n of ['1', '2'] as const) {
          const started = performance.now();
          for await (const r of pools[n].encodeMany(poolFiles)) if (!r.ok) throw new Error(`pool: ${r.failure.file}: ${r.failure.code}`);
          poolRate[n]?.push(poolFiles.length / ((performance.now() - started) / 1000));
        }
      }
    } finally {
      await Promise.all([pools['1'].close(), pools['2'].close()]);
    }
    // The demo server (its own process, 2 workers, 4 connections), server-mode identify, float then int8 (decomposed embedder).
    ctx.log('server identify, float vs int8');
    const celebaPeople = readdirSync(celebaDir).sort();
    const gallery = celebaPeople.map((p) => ({ label: `celeba-${p}`, file: path.join(celebaDir, p, readdirSync(path.join(celebaDir, p)).sort()[0] as string) }));
    const probe = multipartFile('image', 'photo.jpg', await readFile(path.join(celebaDir, '7206', '183064.jpg')));
    const serverSeconds = ctx.quick ? 5 : 30;
    const serverFloat = await measureMode(gallery, 'v1', probe, serverSeconds, ctx.log, { PV_MODEL: 'mobilefacenet', PV_MODELS_DIR: modelsCacheDir() });
    const serverInt8 = await measureMode(gallery, 'v1', probe, serverSeconds, ctx.log, { PV_MODEL: 'mobilefacenet-int8-decompose', PV_MODELS_DIR: modelsCacheDir() });
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

    // onnxruntime-web (wasm SIMD, one thread), the bare embedder network.
    ortWeb.env.wasm.numThreads = 1;
    const web: Record<string, number> = {};
    const input = new ortWeb.Tensor('float32', new Float32Array(3 * 112 * 112).map((_, i) => Math.sin(i)), [1, 3, 112, 112]);
    for (const [name, file] of [['float', await ensureModelFile('mobilefacenet')], ['int8', quantized[0]?.onnxFile as string], ['decomposed', quantized[1]?.onnxFile as string]] as const) {
      const session = await ortWeb.InferenceSession.create(file);
      web[name] = await medianMs(20, () => session.run({ input }));
      await session.release();
    }

    const flops = await countModelFlops(await ensureModelFile('mobilefacenet'), { name: 'input', shape: [1, 3, 112, 112] });
    const clock = measureCpuGhz();
    const core = coreThroughput();
    const int8Roof = clock.ghz * 1e9 * core.int8PerCycle;
    const decomposedNetworkMs = lowest(2);
    const roofNote =
      `${pct(flops / (decomposedNetworkMs / 1000) / int8Roof)} of a single-core int8 roof of ${(int8Roof / 1e9).toFixed(0)} GOP/s ` +
      `(${clock.ghz.toFixed(2)} GHz measured (median of the trials ${clock.medianGhz.toFixed(2)}; the OS reports ${os.cpus()[0]?.speed ?? 0} MHz) by ${clock.method}; ` +
      `x ${core.int8PerCycle} int8 ops/cycle: ${core.cpu}, ${core.basis}). For comparison, float (the network alone, same table) at ${floatFaceMs.toFixed(2)} ms is ` +
      `${pct(flops / (floatFaceMs / 1000) / (clock.ghz * 1e9 * core.fp32PerCycle))} of the fp32 roof (${core.fp32PerCycle} FLOP/cycle)`;
    const q = quantized.map((m) => `\`${m.id}\` (PRelu ${m.prelu.mode}: ${m.prelu.decomposed.length} decomposed, ${m.prelu.kept.length} kept): ${m.report.quantized.length} layers int8, float: ${m.report.float.join(', ')}; calibrated on ${m.calibration.samples} inputs from ${m.calibration.images} demo photos in ${m.seconds.toFixed(0)} s, smallest cosine to float on them ${m.agreement.minCosine.toFixed(4)}`);
    return [
      'Both int8 models made by `quantizeCatalogModel` (what `pv models quantize <id>` runs) in this run, calibrated on the demo photos.',
      ...q.map((line) => `- ${line}`),
      '',
      '### Accuracy (full pipeline; 10-fold, each fold\'s threshold chosen on the other nine)',
      '',
      '| pairs | models | 10-fold accuracy | best threshold | ROC AUC | TAR at FAR | faces found |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
      ...accuracy,
      '',
      'Embeddings of the same photo (every photo of both pair sets), float vs int8 embedder, same detector:',
      '',
      '| int8 embedder | faces | smallest cosine to float | faces below 0.99 | largest difference of one value (unit vectors) |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...agreementLines,
      '',
      `### Variants of the fast graph (PRelu decompose), embedder only`,
      '',
      `The float pipeline's aligned faces of every LFW fold-1 image (${faces.size} faces, ${variantPairs.length} pairs), fed to each model; 10-fold accuracy with`,
      'each fold\'s threshold chosen on the other nine; cosine of each face\'s embedding to the float one. Unless noted, calibrated on',
      `the ${demoSet.inputs.length} faces of the demo photos. Targets for a new default: LFW within 0.1 pt of float, every face ≥ 0.99 cosine.`,
      '',
      '| model | LFW 10-fold accuracy | ROC AUC | smallest cosine to float | faces below 0.99 | quantized in | layers left float |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...variantRows,
      '',
      `Speed per face of the same models (the network alone on ${timingFaces.length} aligned faces, one thread; the models take turns on each batch of 10 faces, 5 rounds, the fastest round of each batch counts):`,
      '',
      '| model | ms per face | / float |',
      '| --- | ---: | ---: |',
      ...speedRows,
      '',
      `Detection boxes, rfb320 vs rfb320-int8, best face of ${images.length} LFW photos: IoU mean ${(ious.reduce((s, x) => s + x, 0) / Math.max(1, ious.length)).toFixed(4)}, smallest ${Math.min(...ious).toFixed(4)} (${ious.length} photos with a face from both).`,
      '',
      '### Speed, one thread (onnxruntime-node unless noted; medians of 3 passes over the same faces/photos, second of two rounds)',
      '',
      '| what | float ms | int8 ms | int8 / float |',
      '| --- | ---: | ---: | ---: |',
      `| embed one aligned face (MobileFaceNet), PRelu keep | ${time.embedFloat.toFixed(2)} | ${time.embedInt8.toFixed(2)} | ${(time.embedInt8 / time.embedFloat).toFixed(2)}x |`,
      `| embed one aligned face (MobileFaceNet), PRelu decompose | ${time.embedFloat.toFixed(2)} | ${time.embedDecomposed.toFixed(2)} | ${(time.embedDecomposed / time.embedFloat).toFixed(2)}x |`,
      `| detect + 68 landmarks, one photo (RFB-320) | ${time.detectFloat.toFixed(2)} | ${time.detectInt8.toFixed(2)} | ${(time.detectInt8 / time.detectFloat).toFixed(2)}x |`,
      `| whole pipeline per photo (decode, detect, align, embed), both int8, PRelu keep | ${time.photoFloat.toFixed(2)} | ${time.photoInt8.toFixed(2)} | ${(time.photoInt8 / time.photoFloat).toFixed(2)}x (photos/s ${(time.photoFloat / time.photoInt8).toFixed(2)}x) |`,
      `| whole pipeline per photo, both int8, PRelu decompose | ${time.photoFloat.toFixed(2)} | ${time.photoDecomposed.toFixed(2)} | ${(time.photoDecomposed / time.photoFloat).toFixed(2)}x (photos/s ${(time.photoFloat / time.photoDecomposed).toFixed(2)}x) |`,
      `| onnxruntime-web (wasm SIMD), MobileFaceNet network only, PRelu keep | ${web.float?.toFixed(2)} | ${web.int8?.toFixed(2)} | ${((web.int8 ?? 0) / (web.float ?? 1)).toFixed(2)}x |`,
      `| onnxruntime-web (wasm SIMD), MobileFaceNet network only, PRelu decompose | ${web.float?.toFixed(2)} | ${web.decomposed?.toFixed(2)} | ${((web.decomposed ?? 0) / (web.float ?? 1)).toFixed(2)}x |`,
      '',
      `Server identify (apps/server \`src/bin.ts\` in its own process, 2 workers, ${gallery.length} enrolled CelebA faces, one CelebA probe, 4 connections for ${serverSeconds} s): ` +
        `float ${serverFloat.load.perSecond.toFixed(1)} requests/s (p50 ${serverFloat.load.p50} ms), PV_MODEL=mobilefacenet-int8-decompose ${serverInt8.load.perSecond.toFixed(1)} requests/s ` +
        `(p50 ${serverInt8.load.p50} ms): ${(serverInt8.load.perSecond / serverFloat.load.perSecond).toFixed(2)}x (the detector is rfb320 in float in both).`,
      '',
      `Worker pool (@pv/pipeline-node openFaceEncoder, rfb320 + mobilefacenet-int8-decompose, ${poolFiles.length} LFW photos, 3 alternated rounds): ` +
        `1 worker ${median(poolRate['1'] ?? []).toFixed(1)} photos/s, 2 workers ${median(poolRate['2'] ?? []).toFixed(1)} photos/s ` +
        `(${(median(poolRate['2'] ?? []) / median(poolRate['1'] ?? [])).toFixed(2)}x; per round 1: ${(poolRate['1'] ?? []).map((r) => r.toFixed(1)).join(', ')}; 2: ${(poolRate['2'] ?? []).map((r) => r.toFixed(1)).join(', ')}; the machine has ${os.cpus().length} cores shared with other sessions).`,
      '',
      `MobileFaceNet int8 (\`mobilefacenet-int8-decompose\`, the network alone as in the variants' speed table): ${(flops / 1e6).toFixed(0)} M ops of the float graph (2 per multiply-add; the decomposed graph runs each PRelu's convolution twice, so it does more) in ${decomposedNetworkMs.toFixed(2)} ms = ${roofNote}.`,
      'Targets: MobileFaceNet int8 ≤ 0.4x float per face; whole pipeline ≥ 2x photos/s. PRelu keep: the 33 PRelu layers have no',
      'integer kernel in onnxruntime, so each runs in float between a DequantizeLinear and a QuantizeLinear, and those passes cost',
      'about what the int8 convolutions save. PRelu decompose (Relu(x) + slope·min(x, 0) as two convolutions whose uint8 output',
      'ranges clip at 0, a depthwise 1x1 slope convolution and an integer Add) leaves no float operation between the int8 layers,',
      'at the price of more rounding steps per block: see the agreement table for what that costs in cosine to float.',
    ].join('\n');
  },
};

export default bench;
