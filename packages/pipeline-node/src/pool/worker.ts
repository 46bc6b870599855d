// The body of one worker thread of the pool: its own detector and embedder sessions; images in, faces out.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { errorToData, type LocalFaceEncoder } from '@pv/core';
import { openLocalParts } from '../local.js';
import { registerEntries } from '../models.js';
import type { WorkerReply, WorkerRequest, WorkerSettings } from './protocol.js';

async function serve(port: MessagePort, settings: WorkerSettings): Promise<void> {
  const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(reply, transfer);
  let encoder: LocalFaceEncoder;
  try {
    registerEntries(settings.entries);
    encoder = await openLocalParts(settings.spec);
  } catch (error) {
    send({ type: 'init-error', error: errorToData(error) });
    port.close();
    return;
  }
  // The input being encoded: closing waits for it (freeing sessions while they run would crash).
  let current: Promise<unknown> = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'close') {
      void current.then(() => encoder.close()).finally(() => {
        send({ type: 'closed' });
        port.close();
      });
      return;
    }
    const options = {
      ...(request.facePolicy !== undefined ? { facePolicy: request.facePolicy } : {}),
      ...(request.analyses !== undefined ? { analyses: request.analyses } : {}),
    };
    current = encoder.encode(request.input, options).then(
      (faces) => send({ type: 'faces', id: request.id, faces }, [...new Set(faces.map((f) => f.embedding.buffer as ArrayBuffer))]),
      (error: unknown) => send({ type: 'error', id: request.id, error: errorToData(error) }),
    );
  });
  send({ type: 'ready', detector: encoder.info.detector, model: encoder.info.model, analyses: encoder.info.analyses });
}

if (parentPort) void serve(parentPort, workerData as WorkerSettings);
