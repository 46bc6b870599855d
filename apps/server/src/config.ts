import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, NotFoundError, parseReviewMode, type ReviewMode, type StoreKeySource } from '@pv/core';
import { parseThreshold } from '@pv/settings';
import { defaultStoreUri } from '@pv/settings/node';
import { parseKeySpec } from './api-keys.js';

/** Log levels the server accepts (pino's). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything the server can be configured with. Every field has a default (see {@link resolveServerConfig}). */
export interface ServerConfig {
  /** Interface to listen on (default `127.0.0.1`; `0.0.0.0` to expose it). Env `PV_HOST`. */
  readonly host: string;
  /** TCP port (default 8080; 0 picks a free one). Env `PV_PORT`. */
  readonly port: number;
  /** Where faces are kept: any store URI of `@pv/stores` (`file:`, `sqlite:`, `hnsw:`, `postgres://`, `memory:`); default pv's default store, shared with the CLI (`file:~/.local/share/pv/faces.pv`). Env `PV_STORE`. */
  readonly store: string;
  /**
   * The key the store (and the CompreFace collections' file stores) is encrypted with at rest; when not
   * given, `PV_STORE_KEY_FILE` or `PV_STORE_KEY` names it (see `@pv/settings`), else the stores are plain.
   */
  readonly storeEncryption?: StoreKeySource;
  /** Embedder model id from `@pv/models` (default `mobilefacenet`). Env `PV_MODEL`. */
  readonly model: string;
  /**
   * Face detector id of `@pv/pipeline-node` (`rfb320`, `mtcnn` once imported); default: the model's own (FaceNet:
   * `mtcnn`), else `rfb320`. Env `PV_DETECTOR`.
   */
  readonly detector: string | undefined;
  /** Distance used for decisions (default `cosine`). Env `PV_METRIC`. */
  readonly metric: 'cosine' | 'l2';
  /** Decision threshold in metric units; default: the model's calibrated one. Env `PV_THRESHOLD`. */
  readonly threshold: number | undefined;
  /**
   * API keys accepted for mutations and identity-revealing reads, each `key` (scopes `read`, `enroll-image`,
   * `admin`) or `key:scope+scope` (exactly those; `enroll-embedding` must be named to be granted). Empty: the
   * server makes up one key with the default scopes at start and reports it. Env `PV_API_KEYS` (comma-separated),
   * or a list of the same strings in the configuration file.
   */
  readonly apiKeys: readonly string[];
  /** Inference worker threads (default: 2, or 1 on a single core). Env `PV_WORKERS`. */
  readonly workers: number;
  /** Inference jobs that may wait for a worker; one more is answered 503 (default 16). Env `PV_MAX_QUEUE`. */
  readonly maxQueue: number;
  /** `Retry-After` seconds sent with 503 when the queue is full (default 2). Env `PV_RETRY_AFTER`. */
  readonly retryAfterSeconds: number;
  /** Largest accepted image file, bytes (default 10 MiB). Env `PV_MAX_IMAGE_BYTES`. */
  readonly maxImageBytes: number;
  /** Largest accepted JSON body, bytes (default 1 MiB). Env `PV_MAX_BODY_BYTES`. */
  readonly maxBodyBytes: number;
  /** Largest accepted image size in pixels, read from the header before decoding (default 40 MP). Env `PV_MAX_PIXELS`. */
  readonly maxPixels: number;
  /** Requests per window and API key (or client address without one) under `/v1` (default 300). Env `PV_RATE_LIMIT`. */
  readonly rateLimitMax: number;
  /** The rate-limit window, milliseconds (default 60 000). Env `PV_RATE_LIMIT_WINDOW_MS`. */
  readonly rateLimitWindowMs: number;
  /** Origins allowed by CORS; empty (default) sends no CORS headers at all. Env `PV_CORS_ORIGINS` (comma-separated). */
  readonly corsOrigins: readonly string[];
  /** Trust `X-Forwarded-*` from a reverse proxy for client addresses (default false). Env `PV_TRUST_PROXY`. */
  readonly trustProxy: boolean;
  /** Log level (default `info`). Env `PV_LOG_LEVEL`. */
  readonly logLevel: LogLevel;
  /** Serve the web page and its assets at `/` (default true). Env `PV_PAGE`. */
  readonly page: boolean;
  /** The models cache directory (default: `@pv/model-fetch`'s, i.e. `PV_MODELS_DIR` or `~/.cache/pv/models`). */
  readonly modelsDir: string | undefined;
  /**
   * Keep the audit trail of mutations and identity reads (default true; `@pv/privacy`). Turning it off drops
   * the record of who did what with biometric data. Env `PV_AUDIT`.
   */
  readonly audit: boolean;
  /** The audit trail file (default: beside the store, see `openStoreAuditTrail` of `@pv/privacy`). Env `PV_AUDIT_TRAIL`. */
  readonly auditTrail: string | undefined;
  /**
   * Refuse faces the single-frame liveness check does not call live on verify (422 `E_FACE_REJECTED`), identify
   * (the face is reported `rejected`, the others answered) and enroll (422). Opens the liveness model at start.
   * Default false. Env `PV_REQUIRE_LIVE`.
   */
  readonly requireLive: boolean;
  /**
   * The enrollment review of `POST /v1/subjects/{label}/faces` when the request names none (`off`, `standard`,
   * `strict`; see `reviewFace` of `@pv/core`); its analysis models are opened at start unless `off`. Default
   * `off`. Env `PV_REVIEW`.
   */
  readonly review: ReviewMode;
}

/** Configuration as given: any subset of {@link ServerConfig}. */
export type ServerConfigInput = { readonly [K in keyof ServerConfig]?: ServerConfig[K] };

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The defaults, for a machine with `cores` CPU cores. */
export function defaultServerConfig(cores: number = availableParallelism()): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    store: defaultStoreUri(),
    model: 'mobilefacenet',
    detector: undefined,
    metric: 'cosine',
    threshold: undefined,
    apiKeys: [],
    workers: cores > 1 ? 2 : 1,
    maxQueue: 16,
    retryAfterSeconds: 2,
    maxImageBytes: 10 * 1024 * 1024,
    maxBodyBytes: 1024 * 1024,
    maxPixels: 40_000_000,
    rateLimitMax: 300,
    rateLimitWindowMs: 60_000,
    corsOrigins: [],
    trustProxy: false,
    logLevel: 'info',
    page: true,
    modelsDir: undefined,
    audit: true,
    auditTrail: undefined,
    requireLive: false,
    review: 'off',
  };
}

function positiveInteger(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new InvalidArgumentError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`, { name });
  }
  return value;
}

/** Fills in defaults and validates; throws `E_INVALID_ARGUMENT` naming the first bad setting. */
export function resolveServerConfig(input: ServerConfigInput = {}): ServerConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ServerConfigInput;
  const config: ServerConfig = { ...defaultServerConfig(), ...defined };
  positiveInteger('port', config.port, true);
  if (config.port > 65535) throw new InvalidArgumentError(`port must be at most 65535, got ${config.port}`, { name: 'port' });
  positiveInteger('workers', config.workers);
  positiveInteger('maxQueue', config.maxQueue, true);
  positiveInteger('retryAfterSeconds', config.retryAfterSeconds);
  positiveInteger('maxImageBytes', config.maxImageBytes);
  positiveInteger('maxBodyBytes', config.maxBodyBytes);
  positiveInteger('maxPixels', config.maxPixels);
  positiveInteger('rateLimitMax', config.rateLimitMax);
  positiveInteger('rateLimitWindowMs', config.rateLimitWindowMs);
  if (config.metric !== 'cosine' && config.metric !== 'l2') {
    throw new InvalidArgumentError(`metric must be cosine or l2, got ${String(config.metric)}`, { name: 'metric' });
  }
  if (config.threshold !== undefined) parseThreshold(config.threshold, config.metric, 'threshold');
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new InvalidArgumentError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`, { name: 'logLevel' });
  }
  if (!Array.isArray(config.apiKeys) || config.apiKeys.some((key) => typeof key !== 'string')) {
    throw new InvalidArgumentError('apiKeys must be a list of strings ("key" or "key:scope+scope")', { name: 'apiKeys' });
  }
  for (const spec of config.apiKeys) parseKeySpec(spec);
  if (typeof config.requireLive !== 'boolean') throw new InvalidArgumentError('requireLive must be true or false', { name: 'requireLive' });
  try {
    parseReviewMode(config.review);
  } catch (error) {
    throw new InvalidArgumentError(`review: ${(error as Error).message}`, { name: 'review' });
  }
  return config;
}

type Parser = (name: string, raw: string) => unknown;

const asString: Parser = (_name, raw) => raw;
const asNumber: Parser = (name, raw) => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`${name} must be a number, got "${raw}"`, { name });
  return value;
};
/** A plain decimal (`0.72`): `0x10`, `1e3` and signs are refused, as by pv's settings resolver. */
const asDecimal: Parser = (name, raw) => {
  if (!/^(?:\d+(?:\.\d+)?|\.\d+)$/u.test(raw.trim())) {
    throw new InvalidArgumentError(`${name}: "${raw}" is not a threshold; write a plain decimal number such as 0.72`, { name });
  }
  return Number(raw);
};
const asList: Parser = (_name, raw) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
const asBoolean: Parser = (name, raw) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new InvalidArgumentError(`${name} must be true or false, got "${raw}"`, { name });
};

/** Environment variable → setting, and how its text is read. */
const ENV_SETTINGS: readonly (readonly [string, keyof ServerConfig, Parser])[] = [
  ['PV_HOST', 'host', asString],
  ['PV_PORT', 'port', asNumber],
  ['PV_STORE', 'store', asString],
  ['PV_MODEL', 'model', asString],
  ['PV_DETECTOR', 'detector', asString],
  ['PV_METRIC', 'metric', asString],
  ['PV_THRESHOLD', 'threshold', asDecimal],
  ['PV_API_KEYS', 'apiKeys', asList],
  ['PV_WORKERS', 'workers', asNumber],
  ['PV_MAX_QUEUE', 'maxQueue', asNumber],
  ['PV_RETRY_AFTER', 'retryAfterSeconds', asNumber],
  ['PV_MAX_IMAGE_BYTES', 'maxImageBytes', asNumber],
  ['PV_MAX_BODY_BYTES', 'maxBodyBytes', asNumber],
  ['PV_MAX_PIXELS', 'maxPixels', asNumber],
  ['PV_RATE_LIMIT', 'rateLimitMax', asNumber],
  ['PV_RATE_LIMIT_WINDOW_MS', 'rateLimitWindowMs', asNumber],
  ['PV_CORS_ORIGINS', 'corsOrigins', asList],
  ['PV_TRUST_PROXY', 'trustProxy', asBoolean],
  ['PV_LOG_LEVEL', 'logLevel', asString],
  ['PV_PAGE', 'page', asBoolean],
  ['PV_MODELS_DIR', 'modelsDir', asString],
  ['PV_AUDIT', 'audit', asBoolean],
  ['PV_AUDIT_TRAIL', 'auditTrail', asString],
  ['PV_REQUIRE_LIVE', 'requireLive', asBoolean],
  ['PV_REVIEW', 'review', asString],
];

/** The settings given by `PV_*` environment variables (see {@link ServerConfig} for the names). */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): ServerConfigInput {
  const config: Record<string, unknown> = {};
  for (const [variable, key, parse] of ENV_SETTINGS) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') config[key] = parse(variable, raw);
  }
  return config as ServerConfigInput;
}

const CONFIG_KEYS = new Set<string>(Object.keys(defaultServerConfig(1)));

/**
 * Reads a JSON configuration file: an object with any of the {@link ServerConfig} keys. Unknown keys are
 * refused (`E_INVALID_ARGUMENT`), so a typo never silently keeps a default; a missing file is `E_NOT_FOUND`.
 */
export async function readConfigFile(path: string): Promise<ServerConfigInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`Configuration file not found: ${path}`, { file: path });
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError(`Configuration file ${path} is not valid JSON`, { file: path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`Configuration file ${path} must hold a JSON object`, { file: path });
  }
  const unknown = Object.keys(parsed).filter((key) => !CONFIG_KEYS.has(key));
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`Configuration file ${path}: unknown setting(s) ${unknown.join(', ')}`, { file: path });
  }
  return parsed as ServerConfigInput;
}

/**
 * The configuration from the environment: the JSON file named by `PV_SERVER_CONFIG` (when set), overridden
 * by individual `PV_*` variables. Pass the result (plus any overrides) to `startServer`.
 */
export async function loadServerConfig(env: Readonly<Record<string, string | undefined>> = process.env): Promise<ServerConfigInput> {
  const file = env.PV_SERVER_CONFIG;
  const fromFile = file !== undefined && file !== '' ? await readConfigFile(file) : {};
  return { ...fromFile, ...configFromEnv(env) };
}
