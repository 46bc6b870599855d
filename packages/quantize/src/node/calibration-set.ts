import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { alignFace } from '@pv/vision';
import { InvalidArgumentError } from '@pv/core';
import { createImageLoader, onnxNodeRuntime, type ModelSourceOptions } from '@pv/embedder-onnx-node';
import { OnnxEmbedder, Rfb320Detector, type TensorData } from '@pv/face-models';
import type { ModelCatalog } from '@pv/models';
import { recordingRuntime } from '../record-inputs.js';

/** The model inputs recorded from calibration photos, and a fingerprint of the photos. */
export interface CalibrationSet {
  readonly inputs: readonly Readonly<Record<string, TensorData>>[];
  readonly images: number;
  /** SHA-256 of the photos' sorted SHA-256 hex digests, one per line. */
  readonly sha256: string;
}

/**
 * Runs pv's float pipeline (RFB-320 detector with 68-point landmarks, then alignment and the embedder when
 * `modelId` is an embedder) over `photos` and records every input model `modelId` receives: photos resized
 * for a detector, face crops for landmarks, aligned faces for an embedder. Photos that cannot be read are
 * skipped. `E_INVALID_ARGUMENT` when nothing was recorded (no photo, or no face in any).
 */
export async function recordCalibrationSet(
  modelId: string,
  photos: readonly string[],
  options: { readonly catalog: ModelCatalog; readonly models?: ModelSourceOptions; readonly onPhoto?: (file: string, done: number) => void },
): Promise<CalibrationSet> {
  const models: ModelSourceOptions = { ...options.models, catalog: options.catalog };
  const entry = options.catalog.get(modelId);
  const runtime = recordingRuntime(onnxNodeRuntime({ models }), modelId);
  const detector = await Rfb320Detector.open(runtime, {
    ...(entry.task === 'detector' ? { model: modelId } : {}),
    ...(entry.task === 'landmarks' ? { landmarks: { model: modelId } } : {}),
  });
  const embedder = entry.task === 'embedder' ? await OnnxEmbedder.open(runtime, { model: modelId }) : undefined;
  const loader = createImageLoader();
  const digests: string[] = [];
  try {
    for (const [index, file] of photos.entries()) {
      const bytes = new Uint8Array(await readFile(file));
      let image;
      try {
        image = await loader.load(bytes);
      } catch {
        continue;
      }
      digests.push(createHash('sha256').update(bytes).digest('hex'));
      const faces = await detector.detect(image);
      if (embedder) for (const face of faces) await embedder.embed([alignFace(image, face, embedder.model.alignment)]);
      options.onPhoto?.(file, index + 1);
    }
  } finally {
    await Promise.all([detector.close(), embedder?.close()]);
  }
  if (runtime.recorded.length === 0) {
    throw new InvalidArgumentError(`No calibration input for "${modelId}": ${digests.length} readable photos, no face found`, { photos: photos.length });
  }
  digests.sort();
  return { inputs: runtime.recorded, images: digests.length, sha256: createHash('sha256').update(`${digests.join('\n')}\n`).digest('hex') };
}
