// The body of one inference worker thread (run by piscina): its own detector and embedder sessions.
import { workerData } from 'node:worker_threads';
import { FaceRecognizer, PvError, isPvError, type EncodedFace, type LocalFaceEncoder } from '@pv/core';
import { createImageLoader, loadDefaultModels } from '@pv/embedder-onnx-node';
import { cosine } from '@pv/metric-cosine';
import { alignFace } from '@pv/vision';
import type { InferenceReply, InferenceTask, InferenceWorkerSettings } from './protocol.js';

const settings = workerData as InferenceWorkerSettings;

async function openRecognizer(): Promise<FaceRecognizer> {
  const models = settings.cacheDir !== undefined ? { cacheDir: settings.cacheDir } : {};
  const { detector, embedder } = await loadDefaultModels({ detector: settings.detector, embedder: settings.embedder, models });
  // The metric is never used here (comparisons happen on the main thread), but the facade needs one.
  return new FaceRecognizer({
    detector,
    embedder,
    align: alignFace,
    metric: cosine,
    images: createImageLoader({ limitInputPixels: settings.limitInputPixels }),
  });
}

let recognizer: Promise<FaceRecognizer> | undefined;

/** Runs one task. Failures that are `PvError`s come back as data, since their class and code would not survive the thread boundary. */
export default async function runInferenceTask(task: InferenceTask): Promise<InferenceReply> {
  const ready = (recognizer ??= openRecognizer());
  if (task.kind === 'warm-up') {
    await ready;
    return { kind: 'ready' };
  }
  try {
    const faceRecognizer = await ready;
    const image = await (faceRecognizer.encoder as LocalFaceEncoder).loadImage(task.bytes);
    let faces: EncodedFace[] = [];
    try {
      faces = await faceRecognizer.embedFaces(image, task.faces);
    } catch (error) {
      // No face is an answer here (identify reports an empty list); the main thread decides what it means.
      if (!isPvError(error, 'E_NO_FACE')) throw error;
    }
    return { kind: 'faces', result: { width: image.width, height: image.height, faces } };
  } catch (error) {
    if (error instanceof PvError) return { kind: 'failure', failure: { code: error.code, message: error.message, details: { ...error.details } } };
    throw error;
  }
}
