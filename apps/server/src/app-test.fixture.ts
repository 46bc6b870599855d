// Builds the app around an in-memory store for tests that need no face model: the inference stand-in
// always fails with an unexpected error (tests use that to check how such errors are answered).
import type { Writable } from 'node:stream';
import { Gallery, MemoryStore } from '@pv/core';
import { cosine } from '@pv/metric-cosine';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { ApiKeyRing } from './api-keys.js';
import { buildApp } from './app.js';
import { auditSettingsOf, ServerAudit } from './audit.js';
import { resolveServerConfig, type ServerConfigInput } from './config.js';
import type { ServerContext } from './context.js';

/** Keys every test app accepts (default scopes). */
export const KEY_A = 'key-a-0123456789abcdef';
export const KEY_B = 'key-b-0123456789abcdef';

const apps: FastifyInstance[] = [];

/** Closes every app {@link serveApp} started (call in `afterEach`). */
export async function closeApps(): Promise<void> {
  await Promise.all(apps.splice(0).map((app) => app.close()));
}

/** Builds and starts the app on 127.0.0.1 with `settings` (512-d `mobilefacenet` embeddings); returns its base URL. */
export async function serveApp(settings: ServerConfigInput = {}, logStream?: Writable): Promise<string> {
  const config = resolveServerConfig({ apiKeys: [KEY_A, KEY_B], page: false, ...settings });
  const keys = new ApiKeyRing(config.apiKeys);
  const context: ServerContext = {
    config,
    model: { id: 'mobilefacenet', dimension: 512, metric: 'cosine', threshold: 0.72 },
    gallery: new Gallery({ store: new MemoryStore(), metric: cosine, threshold: 0.72, modelId: 'mobilefacenet' }),
    inference: {
      inFlight: 0,
      embedImage: () => Promise.reject(new Error('inference stand-in: /work/secret/path.ts failed')),
    },
    keys,
    lifecycle: { phase: 'ready' },
    // The gallery is in memory, whatever config.store says: its trail is the configured one, if any.
    audit: new ServerAudit({ settings: auditSettingsOf(config), keys, store: 'memory:' }),
    assets: { publicDir: '.', browserBundleDir: undefined, modelFiles: new Map() },
  };
  const app = await buildApp(context, logStream ? pino({ level: 'info' }, logStream) : pino({ level: 'silent' }));
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}
