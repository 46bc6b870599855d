// The body of one worker of `createWorkerPool`: its own detector and embedder sessions; files in, embeddings out.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { FaceRecognizer, PvError, type FileFailure } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import { alignFace } from '@pv/vision';
import { loadDefaultModels } from './create-recognizer.js';
import { createImageLoader } from './image-loader.js';
import type { FileEmbeddings, PoolReply, PoolRequest, PoolWorkerSettings } from './pool-protocol.js';

function failureOf(file: string, error: unknown): FileFailure {
  return error instanceof PvError
    ? { file, code: error.code, message: error.message }
    : { file, code: 'E_UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

async function serve(port: MessagePort, settings: PoolWorkerSettings): Promise<void> {
  const send = (reply: PoolReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  let recognizer: FaceRecognizer;
  try {
    const models = settings.cacheDir !== undefined ? { cacheDir: settings.cacheDir } : {};
    const { detector, embedder } = await loadDefaultModels({ detector: settings.detector, embedder: settings.embedder, models });
    // The metric is never used here (no comparisons), but the facade needs one.
    recognizer = new FaceRecognizer({ detector, embedder, align: alignFace, metric: cosine, images: createImageLoader(settings.images) });
  } catch (error) {
    send({ type: 'init-error', failure: failureOf('<models>', error) });
    port.close();
    return;
  }
  port.on('message', (request: PoolRequest) => {
    if (request.type === 'close') {
      void recognizer.close().finally(() => {
        send({ type: 'closed' });
        port.close();
      });
      return;
    }
    void recognizer.embedFaces(request.file, settings.facePolicy).then(
      (faces) => {
        const result: FileEmbeddings = { file: request.file, ok: true, faces };
        send({ type: 'result', id: request.id, result }, faces.map((f) => f.embedding.buffer as ArrayBuffer));
      },
      (error: unknown) => {
        send({ type: 'result', id: request.id, result: { file: request.file, ok: false, failure: failureOf(request.file, error) } });
      },
    );
  });
  send({ type: 'ready' });
}

if (parentPort) void serve(parentPort, workerData as PoolWorkerSettings);
