#!/usr/bin/env node
// `pv-server` / `pnpm --filter @pv/server start`: starts the demo server from PV_* environment variables
// (and the JSON file PV_SERVER_CONFIG names), and shuts it down gracefully on SIGINT / SIGTERM.
import { PvError } from '@pv/core';
import { loadServerConfig } from './config.js';
import { startServer } from './server.js';

const USAGE = `Usage: pv-server

Starts the pv demo server (API under /v1, web page at /). Configuration comes from environment variables
(PV_HOST, PV_PORT, PV_STORE, PV_API_KEYS, PV_WORKERS, ... see the README) or from the JSON file named by
PV_SERVER_CONFIG. Stop it with Ctrl-C: requests in flight finish and the store is closed cleanly.
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const server = await startServer(await loadServerConfig(process.env));
  process.stderr.write(`pv server listening on ${server.url} (page: ${server.url}/, API: ${server.url}/v1, OpenAPI: ${server.url}/openapi.json)\n`);
  if (server.generatedApiKey) {
    process.stderr.write(`No API keys configured (PV_API_KEYS); this run accepts the key: ${server.generatedApiKey}\n`);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`${signal}: finishing requests in flight, then closing the store\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof PvError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  process.stderr.write(`pv server could not start: ${message}\n`);
  process.exit(1);
});
