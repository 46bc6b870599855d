import { InvalidArgumentError, type Metric, type StoreKeySource } from '@pv/core';
import { getEmbedderModel, type EmbedderModelEntry } from '@pv/models';
import { METRIC_IDS, isMetricId, metricById, type MetricId } from './metrics.js';
import { parseThreshold } from './threshold.js';

/** The default face detector when neither the user nor the model names one. */
export const DEFAULT_DETECTOR = 'rfb320';

/** The default embedder model. */
export const DEFAULT_MODEL = 'mobilefacenet';

/** Settings as one source gives them: every field optional, values as written (strings from flags and env). */
export interface SettingsInput {
  readonly model?: string;
  readonly detector?: string;
  readonly metric?: string;
  readonly threshold?: string | number;
  readonly store?: string;
  /** A key file (32 raw bytes, base64 or hex; owner-only) that encrypts the store at rest. */
  readonly storeKeyFile?: string;
}

/** A config file: settings, plus thresholds the user calibrated (`pv calibrate`), per model and metric. */
export interface SettingsFile extends SettingsInput {
  /** The audit trail: on (default) or off; see `resolveAuditSettings`. */
  readonly audit?: boolean | string;
  /** The audit trail file, instead of the one beside the store. */
  readonly auditTrail?: string;
  readonly thresholds?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Where settings come from, most important first: flags, environment (`PV_*`), config file, catalog. */
export interface SettingsSources {
  readonly flags?: SettingsInput;
  /**
   * Environment variables: `PV_MODEL`, `PV_DETECTOR`, `PV_METRIC`, `PV_THRESHOLD`, `PV_STORE`, and the store
   * key: `PV_STORE_KEY_FILE` (a key file) or `PV_STORE_KEY` (the key itself, base64 or hex).
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly config?: SettingsFile;
  /** Where the config came from, for messages (e.g. its path). */
  readonly configName?: string;
  /** The store URI when no source names one. */
  readonly defaultStore: string;
}

/** Where a resolved value came from. */
export type SettingSource = 'flag' | 'environment' | 'config' | 'catalog' | 'default';

/** What pv runs with, every value checked. */
export interface ResolvedSettings {
  readonly model: EmbedderModelEntry;
  /** Detector id: named by the user, else the one the model expects, else {@link DEFAULT_DETECTOR}. */
  readonly detector: string;
  readonly metric: Metric;
  readonly threshold: number;
  /**
   * How far the threshold can be trusted: `calibrated` (measured on labelled pairs, by pv or by you),
   * `provisional` (the catalog's estimate, never measured here: say so in output), or `chosen` (set by hand).
   */
  readonly thresholdStatus: 'calibrated' | 'provisional' | 'chosen';
  readonly store: string;
  /**
   * The key the store is encrypted with at rest (pass it to `openStore` as `encryption`), or `undefined`
   * for a plain store: `storeKeyFile` (flag), `PV_STORE_KEY_FILE`, `PV_STORE_KEY`, then `storeKeyFile` in
   * the config file.
   */
  readonly storeEncryption: StoreKeySource | undefined;
  /** Where each value came from. */
  readonly from: {
    readonly model: SettingSource;
    readonly detector: SettingSource;
    readonly metric: SettingSource;
    readonly threshold: SettingSource;
    readonly store: SettingSource;
  };
}

const ENV = { model: 'PV_MODEL', detector: 'PV_DETECTOR', metric: 'PV_METRIC', threshold: 'PV_THRESHOLD', store: 'PV_STORE' } as const;
const FLAG = { model: '--model', detector: '--detector', metric: '--metric', threshold: '--threshold', store: '--store' } as const;

type Key = keyof typeof ENV;

interface Found<T> {
  readonly value: T;
  readonly from: SettingSource;
  /** How the source is named in messages. */
  readonly where: string;
}

/**
 * The one settings resolver every pv app uses (CLI commands, `pv serve`, the server): for each setting the
 * first of flag, `PV_*` environment variable and config file that gives it; then the model catalog (the
 * model's detector and its calibrated threshold for the metric) and pv's defaults. Every value is checked:
 * an unknown model or metric, and a threshold outside the metric's range or not written as a plain
 * decimal, are `E_INVALID_ARGUMENT` naming where the value came from.
 *
 * The model must be in the catalog: register imported and quantized models first (`loadLocalModels` from
 * `@pv/model-fetch`, or `loadSettings` from `@pv/settings/node`, which does).
 */
export function resolveSettings(sources: SettingsSources): ResolvedSettings {
  const pick = <K extends Key>(key: K): Found<NonNullable<SettingsInput[K]>> | undefined => {
    const flag = sources.flags?.[key];
    if (flag !== undefined) return { value: flag as NonNullable<SettingsInput[K]>, from: 'flag', where: FLAG[key] };
    const env = sources.env?.[ENV[key]];
    if (env !== undefined && env.trim() !== '') return { value: env as NonNullable<SettingsInput[K]>, from: 'environment', where: ENV[key] };
    const config = sources.config?.[key];
    if (config !== undefined) return { value: config as NonNullable<SettingsInput[K]>, from: 'config', where: `${key} in ${sources.configName ?? 'the config file'}` };
    return undefined;
  };

  const modelFound = pick('model');
  const modelId = String(modelFound?.value ?? DEFAULT_MODEL).trim();
  const model = getEmbedderModel(modelId);

  const metricFound = pick('metric');
  const metricId = String(metricFound?.value ?? model.recommendedMetric).trim();
  if (!isMetricId(metricId)) {
    throw new InvalidArgumentError(`${metricFound?.where ?? 'metric'}: unknown metric "${metricId}"; use ${METRIC_IDS.join(' or ')}`, {
      name: metricFound?.where ?? 'metric',
      value: metricId,
    });
  }
  const metric = metricById(metricId);

  const detectorFound = pick('detector');
  const detector = String(detectorFound?.value ?? model.detector ?? DEFAULT_DETECTOR).trim();

  const { threshold, thresholdStatus, thresholdFrom } = resolveThreshold(pick('threshold'), model, metricId, sources);

  const storeFound = pick('store');
  const store = String(storeFound?.value ?? sources.defaultStore).trim();
  if (store === '') throw new InvalidArgumentError(`${storeFound?.where ?? 'store'}: the store must not be empty`, { name: 'store' });

  return {
    model,
    detector,
    metric,
    threshold,
    thresholdStatus,
    store,
    storeEncryption: resolveStoreEncryption(sources),
    from: {
      model: modelFound?.from ?? 'default',
      detector: detectorFound?.from ?? (model.detector !== undefined ? 'catalog' : 'default'),
      metric: metricFound?.from ?? 'catalog',
      threshold: thresholdFrom,
      store: storeFound?.from ?? 'default',
    },
  };
}

/** The environment variables that name a store key: a key file, or the key itself. */
export const STORE_KEY_ENV = { file: 'PV_STORE_KEY_FILE', key: 'PV_STORE_KEY' } as const;

/**
 * The store key the sources name (see {@link ResolvedSettings.storeEncryption}). Both `PV_STORE_KEY_FILE`
 * and `PV_STORE_KEY` set is `E_INVALID_ARGUMENT` (which one would be meant?). The key itself is read when
 * the store is opened (`@pv/store-crypto`), so a missing or malformed key is `E_STORE_KEY` then.
 */
export function resolveStoreEncryption(sources: Pick<SettingsSources, 'flags' | 'env' | 'config'>): StoreKeySource | undefined {
  const flag = sources.flags?.storeKeyFile;
  if (flag !== undefined && flag.trim() !== '') return { keyFile: flag.trim() };
  const file = sources.env?.[STORE_KEY_ENV.file];
  const key = sources.env?.[STORE_KEY_ENV.key];
  const hasFile = file !== undefined && file.trim() !== '';
  const hasKey = key !== undefined && key.trim() !== '';
  if (hasFile && hasKey) {
    throw new InvalidArgumentError(`Both ${STORE_KEY_ENV.file} and ${STORE_KEY_ENV.key} are set: set only one`, { name: STORE_KEY_ENV.file });
  }
  if (hasFile) return { keyFile: file.trim() };
  if (hasKey) return { keyEnv: STORE_KEY_ENV.key };
  const config = sources.config?.storeKeyFile;
  if (config !== undefined && config.trim() !== '') return { keyFile: config.trim() };
  return undefined;
}

function resolveThreshold(
  found: Found<string | number> | undefined,
  model: EmbedderModelEntry,
  metric: MetricId,
  sources: SettingsSources,
): { threshold: number; thresholdStatus: ResolvedSettings['thresholdStatus']; thresholdFrom: SettingSource } {
  if (found) return { threshold: parseThreshold(found.value, metric, found.where), thresholdStatus: 'chosen', thresholdFrom: found.from };
  const calibrated = sources.config?.thresholds?.[model.id]?.[metric];
  if (calibrated !== undefined) {
    const where = `thresholds.${model.id}.${metric} in ${sources.configName ?? 'the config file'}`;
    return { threshold: parseThreshold(calibrated, metric, where), thresholdStatus: 'calibrated', thresholdFrom: 'config' };
  }
  const spec = model.thresholds.find((t) => t.metric === metric);
  if (spec === undefined) {
    throw new InvalidArgumentError(`Model "${model.id}" has no calibrated threshold for ${metric}; give one with --threshold or PV_THRESHOLD`, {
      model: model.id,
      metric,
    });
  }
  return {
    threshold: parseThreshold(spec.value, metric, `the catalog's threshold of ${model.id}`),
    thresholdStatus: model.thresholdStatus === 'calibrated' ? 'calibrated' : 'provisional',
    thresholdFrom: 'catalog',
  };
}
