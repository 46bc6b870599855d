// face-api itself, for parity tests and the benchmark: @vladmandic/face-api's Node bundle for plain
// @tensorflow/tfjs with the wasm backend (dev dependencies only; the product never loads tfjs).
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Tfjs from '@tensorflow/tfjs';
import type * as FaceApi from '@vladmandic/face-api';

/** face-api's module, with its own tfjs (`faceapi.tf`). */
export type FaceApiModule = typeof FaceApi;

/** The tfjs backends face-api is measured on. */
export type TfjsBackend = 'wasm' | 'cpu';

const require = createRequire(import.meta.url);

/** The folder of face-api's shipped weights (`model/`). */
export const faceApiModelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

let loaded: FaceApiModule | undefined;

/**
 * Loads face-api (once per process) on the `backend` given, with the networks asked for loaded from its
 * own `model/` folder. `setWasmPaths` is not called: in Node the wasm binary is found by default.
 */
export async function loadFaceApi(
  backend: TfjsBackend,
  nets: readonly ('faceRecognitionNet' | 'ssdMobilenetv1' | 'faceLandmark68Net')[] = ['faceRecognitionNet'],
): Promise<FaceApiModule> {
  loaded ??= require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApiModule;
  const faceapi = loaded;
  // The bundle requires this same @tensorflow/tfjs (and tfjs-backend-wasm), whose backend switch face-api's
  // narrower `tf` typing does not expose.
  const tf = require('@tensorflow/tfjs') as typeof Tfjs;
  if (tf.getBackend() !== backend) {
    await tf.setBackend(backend);
    await tf.ready();
  }
  for (const net of nets) {
    if (!faceapi.nets[net].isLoaded) await faceapi.nets[net].loadFromDisk(faceApiModelDir);
  }
  return faceapi;
}
