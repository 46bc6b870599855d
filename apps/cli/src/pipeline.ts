import { InvalidArgumentError, type FacePolicy, type FaceRecognizer, type Metric, type Store } from '@pv/core';
import { createFaceRecognizer } from '@pv/embedder-onnx-node';
import { cosine } from '@pv/metric-cosine';
import { l2 } from '@pv/metric-l2';
import { loadLocalModels } from '@pv/model-fetch';
import { getEmbedderModel } from '@pv/models';
import type { MetricId, PipelineOptions } from './cli-options.js';

/** Detector ids the CLI can run. */
export const SUPPORTED_DETECTORS = ['rfb320'] as const;

/** The metric object for a `--metric` value. */
export function metricOf(id: MetricId): Metric {
  return id === 'l2' ? l2 : cosine;
}

/**
 * Registers the user's imported models (`pv models import`) so `--model` can name them, and checks the
 * pipeline options that do not need the models: the detector is one the CLI runs and the model is an
 * embedder. Returns the decision threshold: `--threshold`, else the catalog's for the metric.
 */
export async function preparePipeline(options: PipelineOptions): Promise<{ readonly threshold: number; readonly metric: Metric }> {
  if (!(SUPPORTED_DETECTORS as readonly string[]).includes(options.detector)) {
    throw new InvalidArgumentError(
      `Unknown detector "${options.detector}"; available: ${SUPPORTED_DETECTORS.join(', ')}`,
      { detector: options.detector },
    );
  }
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

/** Opens the detector, embedder and image loader the options name, around `store` when given. Close it when done. */
export async function openRecognizer(
  options: PipelineOptions,
  extra: { readonly store?: Store; readonly facePolicy?: FacePolicy } = {},
): Promise<FaceRecognizer> {
  const { threshold } = await preparePipeline(options);
  return createFaceRecognizer({
    embedder: { model: options.model },
    metric: options.metric,
    threshold,
    ...(extra.store ? { store: extra.store } : {}),
    ...(extra.facePolicy ? { facePolicy: extra.facePolicy } : {}),
  });
}
