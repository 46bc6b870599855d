import { FaceRecognizer, InvalidArgumentError, type FacePolicy, type Metric, type Store } from '@pv/core';
import { createImageLoader } from '@pv/embedder-onnx-node';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { loadLocalModels } from '@pv/model-fetch';
import { getEmbedderModel } from '@pv/models';
import { openLocalFaceEncoder } from '@pv/pipeline-node';
import type { EmbedderOptions, MetricId, PipelineOptions } from './cli-options.js';

/** The metric object for a `--metric` value. */
export function metricOf(id: MetricId): Metric {
  return id === 'l2' ? l2 : cosine;
}

/**
 * Registers the user's imported models (`pv models import`) so `--model` can name them, and checks that the
 * model is an embedder. Returns the metric and the decision threshold: `--threshold`, else the catalog's
 * for the metric.
 */
export async function preparePipeline(options: EmbedderOptions): Promise<{ readonly threshold: number; readonly metric: Metric }> {
  await loadLocalModels();
  const entry = getEmbedderModel(options.model);
  const metric = metricOf(options.metric);
  const threshold = options.threshold ?? entry.thresholds.find((t) => t.metric === metric.id)?.value;
  if (threshold === undefined) {
    throw new InvalidArgumentError(
      `Model "${entry.id}" has no calibrated threshold for ${metric.id}; pass --threshold`,
      { model: entry.id, metric: metric.id },
    );
  }
  return { threshold, metric };
}

/**
 * Opens the detector, embedder and image loader the options name (any detector of `openFaceEncoder`'s
 * table, any catalog or imported model, `dlib-resnet` included), around `store` when given. Close it when done.
 */
export async function openRecognizer(
  options: PipelineOptions,
  extra: { readonly store?: Store; readonly facePolicy?: FacePolicy } = {},
): Promise<FaceRecognizer> {
  const { threshold, metric } = await preparePipeline(options);
  const encoder = await openLocalFaceEncoder({ detector: options.detector, model: options.model });
  try {
    return new FaceRecognizer({
      encoder,
      images: createImageLoader(),
      metric,
      threshold,
      ...(extra.store ? { store: extra.store } : {}),
      ...(extra.facePolicy ? { facePolicy: extra.facePolicy } : {}),
    });
  } catch (error) {
    await encoder.close();
    throw error;
  }
}
