import path from 'node:path';
import { createImageLoader } from '@pv/embedder-onnx-node';
import type { BenchModule } from '../../../scripts/bench-types.js';
import { createDlibResnetEmbedder, createDlibResnetRecognizer } from '../src/node/index.js';
import { loadFaceApi, type FaceApiModule } from '../src/node/face-api-reference.fixture.js';
import { alignedFaces } from '../src/node/test-data.fixture.js';
import lfwAccuracy from './lfw-accuracy.js';

/** face-api's SSD misses most tight 250x250 LFW crops unless the photo gets this black border (model notes). */
const FACE_API_BORDER = 125;

/** Median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median milliseconds of `work(item)` over `rounds` passes of `items`, after one untimed call. */
async function medianMs<T>(items: readonly T[], rounds: number, work: (item: T) => Promise<unknown>): Promise<number> {
  await work(items[0] as T);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const started = performance.now();
      await work(item);
      times.push(performance.now() - started);
    }
  }
  return median(times);
}

/** The first `count` distinct images named by LFW fold 1's pairs list, sorted. */
async function lfwPhotos(lfwDir: string, count: number): Promise<string[]> {
  const { loadLfwDataset } = await import('@pv/eval/node');
  const lfw = await loadLfwDataset(lfwDir);
  return [...new Set(lfw.pairs.flatMap((p) => [p.a, p.b]))].sort().slice(0, count).map((image) => lfw.imagePath(image));
}

const unit = (v: Float32Array): Float32Array => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

const bench: BenchModule = {
  title: 'dlib-resnet: pv (onnxruntime-node) vs face-api (tfjs), same weights',
  order: 45,
  async run(ctx) {
    const faceCount = ctx.quick ? 4 : 20;
    const cpuFaceCount = ctx.quick ? 1 : 3;
    const photoCount = ctx.quick ? 3 : 20;
    const rounds = ctx.quick ? 1 : 3;
    const photos = await lfwPhotos(path.join(ctx.sharedDir, 'data', 'lfw-fold1'), Math.max(faceCount, photoCount));
    ctx.log(`aligning ${faceCount} LFW faces with pv's detector and the dlib chip`);
    const crops = (await alignedFaces(photos.slice(0, faceCount))).map((f) => f.crop);

    // The same network on the same 150x150 crops.
    const embedder = await createDlibResnetEmbedder();
    const descriptor = async (faceapi: FaceApiModule, crop: (typeof crops)[number]): Promise<Float32Array> => {
      const tensor = faceapi.tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
      try {
        return (await faceapi.computeFaceDescriptor(tensor)) as Float32Array;
      } finally {
        tensor.dispose();
      }
    };
    let worst = 0;
    let faceApiWasm: FaceApiModule = await loadFaceApi('wasm', ['faceRecognitionNet']);
    for (const crop of crops) {
      const [ours] = await embedder.embed([crop]);
      const reference = unit(await descriptor(faceApiWasm, crop));
      reference.forEach((x, i) => {
        worst = Math.max(worst, Math.abs(x - ((ours as Float32Array)[i] as number)));
      });
    }
    ctx.log('timing pv (onnxruntime-node, 1 thread)');
    const pvFace = await medianMs(crops, rounds, (crop) => embedder.embed([crop]));
    ctx.log('timing face-api on tfjs wasm');
    const wasmFace = await medianMs(crops, rounds, (crop) => descriptor(faceApiWasm, crop));
    ctx.log(`timing face-api on tfjs cpu (${cpuFaceCount} face(s))`);
    const faceApiCpu = await loadFaceApi('cpu', ['faceRecognitionNet']);
    const cpuFace = await medianMs(crops.slice(0, cpuFaceCount), 1, (crop) => descriptor(faceApiCpu, crop));
    await embedder.close();

    // Each library's whole pipeline, from the JPEG file to the descriptor (decoding with the same sharp loader).
    ctx.log(`full pipelines on ${photoCount} photos`);
    const files = photos.slice(0, photoCount);
    const recognizer = await createDlibResnetRecognizer();
    const pvPhoto = await medianMs(files, rounds, (file) => recognizer.embedFaces(file));
    await recognizer.close();
    faceApiWasm = await loadFaceApi('wasm', ['faceRecognitionNet', 'ssdMobilenetv1', 'faceLandmark68Net']);
    const images = createImageLoader();
    let faceApiFound = 0;
    const faceApiPipeline = async (file: string): Promise<void> => {
      const image = await images.load(file);
      const side = { width: image.width + 2 * FACE_API_BORDER, height: image.height + 2 * FACE_API_BORDER };
      const framed = new Uint8Array(side.width * side.height * 3);
      for (let y = 0; y < image.height; y++) {
        framed.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + FACE_API_BORDER) * side.width + FACE_API_BORDER) * 3);
      }
      const tensor = faceApiWasm.tf.tensor3d(framed, [side.height, side.width, 3], 'int32');
      try {
        const result = await faceApiWasm.detectSingleFace(tensor, new faceApiWasm.SsdMobilenetv1Options()).withFaceLandmarks().withFaceDescriptor();
        if (result) faceApiFound++;
      } finally {
        tensor.dispose();
      }
    };
    const faceApiPhoto = await medianMs(files, rounds, faceApiPipeline);
    const runs = files.length * rounds + 1;

    const ms = (v: number): string => v.toFixed(1);
    const ratio = (theirs: number, ours: number): string => `${(theirs / ours).toFixed(1)}x`;
    return [
      `dlib's face ResNet (face-api's weights), batch 1, single thread each; median ms. pv runs the ONNX model`,
      `\`@pv/dlib-resnet\` converts from face-api's files on onnxruntime-node 1.30 (1 intra-op thread); face-api`,
      `1.7.15 runs on @tensorflow/tfjs 4.22 with the wasm backend (single-threaded in Node) and the plain cpu backend.`,
      '',
      `| what | pv (onnxruntime-node) | face-api, tfjs wasm | face-api, tfjs cpu | face-api wasm / pv |`,
      '| --- | ---: | ---: | ---: | ---: |',
      `| same network, same aligned 150x150 face (${crops.length} LFW faces${rounds > 1 ? ` x ${rounds}` : ''}) | ${ms(pvFace)} ms | ${ms(wasmFace)} ms | ${ms(cpuFace)} ms (${cpuFaceCount} face${cpuFaceCount > 1 ? 's' : ''}) | ${ratio(wasmFace, pvFace)} |`,
      `| full pipeline per 250x250 LFW photo (${files.length} photos${rounds > 1 ? ` x ${rounds}` : ''}) | ${ms(pvPhoto)} ms | ${ms(faceApiPhoto)} ms | not run | ${ratio(faceApiPhoto, pvPhoto)} |`,
      '',
      `- Equal outputs: the largest difference between pv's unit embeddings and face-api's descriptors (normalised) on`,
      `  these faces was ${worst.toExponential(1)} (the parity test requires ≤ 1e-4 on raw descriptors).`,
      `- pv's pipeline: sharp decode, RFB-320 + 68-point landmarks, similarity alignment onto dlib's 150 px chip,`,
      `  dlib-resnet. face-api's: the same sharp decode, a ${FACE_API_BORDER} px black border (its SSD misses most tight LFW`,
      `  crops without one), SSD MobileNet v1, its 68-point landmarks, its own crop, the recognition net; it found a`,
      `  face in ${faceApiFound} of ${runs} runs.`,
      `- The cpu backend is shown for the network only: its full pipeline would take seconds per photo.`,
    ].join('\n');
  },
};

export default [bench, lfwAccuracy];
