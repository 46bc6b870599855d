import { enrollmentAnalyses, Gallery, type Metric } from '@pv/core';
import { loadLocalModels } from '@pv/model-fetch';
import { STORE_KEY_ENV, resolveSettings, type ResolvedSettings } from '@pv/settings';
import { defaultStoreUri, readConfigFile, savedThresholds } from '@pv/settings/node';
import { openStore } from '@pv/stores';
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream } from 'pino';
import { ApiKeyRing, generateApiKey } from './api-keys.js';
import { buildApp } from './app.js';
import { auditSettingsOf, ServerAudit } from './audit.js';
import { resolveServerConfig, type ServerConfig, type ServerConfigInput } from './config.js';
import type { Lifecycle, ServedModelInfo, ServerContext } from './context.js';
import { InferencePool } from './inference/pool.js';
import { locatePageAssets } from './page-assets.js';

/** Options of {@link startServer}: any configuration settings, plus where logs go. */
export interface StartServerOptions extends ServerConfigInput {
  /** Where JSON log lines go (default standard output). Logs never hold images, embeddings or API keys. */
  readonly logStream?: DestinationStream;
}

/** A listening server. */
export interface RunningServer {
  /** The base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The port it listens on (useful with `port: 0`). */
  readonly port: number;
  /** The configuration in effect (API keys included). */
  readonly config: ServerConfig;
  /** The key made up at start when no API keys were configured (show it to the user), else `undefined`. */
  readonly generatedApiKey: string | undefined;
  /** The Fastify instance (for `inject` in tests or extra routes before traffic arrives). */
  readonly app: FastifyInstance;
  /**
   * Graceful shutdown: stops accepting connections, lets in-flight requests finish, then stops the
   * inference workers and closes the store cleanly. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * The model, detector, metric, threshold and store the configuration names, resolved and checked by pv's one
 * settings resolver (with the user's saved calibrations from pv's config file, like the CLI).
 */
function servedSettings(config: ServerConfig): ResolvedSettings {
  return resolveSettings({
    flags: {
      model: config.model,
      metric: config.metric,
      store: config.store,
      ...(config.detector !== undefined ? { detector: config.detector } : {}),
      ...(config.threshold !== undefined ? { threshold: config.threshold } : {}),
    },
    // Only the store key is taken from the environment here (the rest of the config was read by loadServerConfig).
    env: { [STORE_KEY_ENV.file]: process.env[STORE_KEY_ENV.file], [STORE_KEY_ENV.key]: process.env[STORE_KEY_ENV.key] },
    config: { thresholds: savedThresholds(readConfigFile()) },
    defaultStore: defaultStoreUri(),
  });
}

function servedModel(settings: ResolvedSettings): { info: ServedModelInfo; metric: Metric } {
  const { model, metric, threshold } = settings;
  return { info: { id: model.id, dimension: model.dimension, metric: metric.id, threshold }, metric };
}

/**
 * Starts the pv demo server: opens the configured store (bound to the model), fetches and verifies the
 * models, starts the inference workers and waits until they are loaded, then listens. Settings not given
 * take their defaults (see `ServerConfig`); read them from the environment with `loadServerConfig()`.
 *
 * @example
 * ```ts
 * const server = await startServer({ ...(await loadServerConfig()), port: 8080 });
 * console.log(`listening on ${server.url}`);
 * process.once('SIGTERM', () => void server.close());
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const { logStream, ...given } = options;
  const resolved = resolveServerConfig(given);
  const generatedApiKey = resolved.apiKeys.length === 0 ? generateApiKey() : undefined;
  await loadLocalModels();
  const settings = servedSettings(resolved);
  const withKeys: ServerConfig = generatedApiKey ? { ...resolved, apiKeys: [generatedApiKey] } : resolved;
  const storeEncryption = resolved.storeEncryption ?? settings.storeEncryption;
  const config: ServerConfig = {
    ...withKeys,
    store: settings.store,
    detector: settings.detector,
    threshold: settings.threshold,
    ...(storeEncryption ? { storeEncryption } : {}),
  };
  const { info: model, metric } = servedModel(settings);
  const logger = pino(
    { level: config.logLevel, redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' } },
    logStream,
  );

  const store = await openStore(config.store, {
    modelId: model.id,
    dimension: model.dimension,
    metric: metric.id,
    ...(config.storeEncryption ? { encryption: config.storeEncryption } : {}),
  });
  let pool: InferencePool;
  try {
    pool = await InferencePool.start({
      workers: config.workers,
      maxQueue: config.maxQueue,
      retryAfterSeconds: config.retryAfterSeconds,
      detector: settings.detector,
      model: model.id,
      limitInputPixels: config.maxPixels,
      cacheDir: config.modelsDir,
      // Only what a setting needs on every request is opened now; other analyses load on first request.
      analyses: enrollmentAnalyses(config.review, config.requireLive),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const lifecycle: Lifecycle = { phase: 'starting' };
  const keys = new ApiKeyRing(config.apiKeys);
  const context: ServerContext = {
    config,
    model,
    gallery: new Gallery({ store, metric, threshold: model.threshold, modelId: model.id }),
    inference: pool,
    keys,
    lifecycle,
    audit: new ServerAudit({ settings: auditSettingsOf(config), keys, store: config.store }),
    assets: locatePageAssets(['rfb320', 'landmarks68', model.id], config.modelsDir),
  };

  let app: FastifyInstance;
  try {
    app = await buildApp(context, logger);
    app.addHook('preClose', async () => {
      lifecycle.phase = 'draining';
    });
    // Runs after every in-flight request has been answered.
    app.addHook('onClose', async () => {
      await pool.close();
      await store.close();
    });
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await pool.close();
    await store.close();
    throw error;
  }
  lifecycle.phase = 'ready';
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    config,
    generatedApiKey,
    app,
    close: () => (closing ??= app.close()),
  };
}
