import { FaceRecognizer, Gallery, isPvError, NotFoundError, type AnalysisKind, type FacePolicy, type FaceEncoder, type Store } from '@pv/core';
import { createImageLoader } from '@pv/embedder-onnx-node';
import { loadLocalModels } from '@pv/model-fetch';
import { openFaceEncoder } from '@pv/pipeline-node';
import type { ResolvedSettings } from '@pv/settings';
import { loadSettings } from '@pv/settings/node';
import { openStore } from '@pv/stores';
import type { EmbedderOptions, PipelineOptions, StoreOptions } from './cli-options.js';

/**
 * The settings a command runs with: its flags, then `PV_*`, the config file and the catalog, resolved and
 * checked by `@pv/settings` (imported models registered first, so `--model` can name them).
 */
export async function settingsOf(options: EmbedderOptions & Partial<PipelineOptions> & StoreOptions): Promise<ResolvedSettings> {
  await loadLocalModels();
  return loadSettings({
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(options.detector !== undefined ? { detector: options.detector } : {}),
    ...(options.metric !== undefined ? { metric: options.metric } : {}),
    ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    ...(options.store !== undefined ? { store: options.store } : {}),
  });
}

/**
 * Opens the settings' store through `@pv/stores`, with the settings' store key when one is named
 * (`PV_STORE_KEY_FILE`, `PV_STORE_KEY`); a store opened for writing is bound to the settings' model.
 */
export async function openSettingsStore(settings: ResolvedSettings, options: { readonly readOnly?: boolean } = {}): Promise<Store> {
  const binding = options.readOnly ? {} : { modelId: settings.model.id, dimension: settings.model.dimension };
  try {
    return await openStore(settings.store, {
      readOnly: options.readOnly ?? false,
      metric: settings.metric.id,
      ...binding,
      ...(settings.storeEncryption ? { encryption: settings.storeEncryption } : {}),
    });
  } catch (error) {
    // A store opened for reading that does not exist yet: nobody was enrolled there.
    if (options.readOnly && isPvError(error, 'E_NOT_FOUND')) {
      throw new NotFoundError(`${error.message}: enroll people first with pv enroll <dir> (or pass --store)`, { ...error.details, store: settings.store });
    }
    throw error;
  }
}

/** The settings' store and matching rules: what every command that answers "who is this?" asks. */
export function galleryOf(settings: ResolvedSettings, store: Store): Gallery {
  return new Gallery({ store, metric: settings.metric, threshold: settings.threshold, modelId: settings.model.id });
}

/** The settings' detector and model, in this thread (`jobs` 1) or a pool of `jobs` worker threads. */
export function openEncoder(
  settings: ResolvedSettings,
  options: { readonly jobs?: number; readonly facePolicy?: FacePolicy; readonly analyses?: readonly AnalysisKind[] } = {},
): Promise<FaceEncoder> {
  return openFaceEncoder({
    detector: settings.detector,
    model: settings.model.id,
    threads: options.jobs ?? 1,
    ...(options.facePolicy ? { facePolicy: options.facePolicy } : {}),
    ...(options.analyses && options.analyses.length > 0 ? { analyses: options.analyses } : {}),
  });
}

/** The analyses a command's encoder must offer: those asked for, and `liveness` under `requireLive`. */
export function analysesNeeded(options: { readonly analyses?: readonly AnalysisKind[]; readonly requireLive?: boolean }): AnalysisKind[] {
  return [...new Set<AnalysisKind>([...(options.analyses ?? []), ...(options.requireLive ? (['liveness'] as const) : [])])];
}

/**
 * A recognizer over the settings' encoder, around `store` when given; with `analyses`/`requireLive` the encoder
 * opens those analysis models and the recognizer refuses faces that are not live. Close it when done (it closes
 * the store).
 */
export async function openRecognizer(
  settings: ResolvedSettings,
  extra: {
    readonly store?: Store;
    readonly facePolicy?: FacePolicy;
    readonly analyses?: readonly AnalysisKind[];
    readonly requireLive?: boolean;
  } = {},
): Promise<FaceRecognizer> {
  const encoder = await openEncoder(settings, { analyses: analysesNeeded(extra) });
  try {
    return new FaceRecognizer({
      encoder,
      images: createImageLoader(),
      metric: settings.metric,
      threshold: settings.threshold,
      ...(extra.store ? { store: extra.store } : {}),
      ...(extra.facePolicy ? { facePolicy: extra.facePolicy } : {}),
      ...(extra.requireLive ? { requireLive: true } : {}),
    });
  } catch (error) {
    await encoder.close();
    throw error;
  }
}

/** A note for output when the threshold was never measured for this model (FaceNet until calibrated). */
export function thresholdNote(settings: ResolvedSettings): string | undefined {
  return settings.thresholdStatus === 'provisional'
    ? `the threshold of ${settings.model.id} is provisional (never calibrated here): run pv eval lfw or pv calibrate`
    : undefined;
}
