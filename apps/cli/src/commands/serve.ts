import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import {
  parsePort,
  parsePositiveInteger,
  withExamples,
  withPipeline,
  withJson,
  withStore,
  type PipelineOptions,
  type StoreOptions,
} from '../cli-options.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { settingsOf, thresholdNote } from '../pipeline.js';

/** Options of `pv serve`. */
export interface ServeOptions extends PipelineOptions, StoreOptions {
  readonly host?: string;
  readonly port?: number;
  readonly jobs?: number;
}

/** Registers `pv serve`. */
export function registerServe(program: Command, run: CommandRunner): void {
  const command = program
    .command('serve')
    .summary('start the demo web server (API and page) on the same store')
    .description(
      'Start the pv demo server (@pv/server): a JSON API under /v1 and a web page that enrolls and identifies faces, on the ' +
        'store the other commands use (any store URI: file:, sqlite:, hnsw:, postgres://). Other settings come from PV_* variables (see the server README). ' +
        'Ctrl-C stops it after the requests in flight.',
    )
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; 0.0.0.0 exposes it)')
    .addOption(new Option('--port <port>', 'TCP port (default 8080; 0 picks a free one)').argParser(parsePort))
    .addOption(new Option('--jobs <n>', 'inference worker threads (default 2)').argParser(parsePositiveInteger));
  withPipeline(command);
  withStore(command);
  withJson(command);
  withExamples(command, 'pv serve --port 8080 --store sqlite:faces.db', 'PV_API_KEYS=secret pv serve --host 0.0.0.0');
  command.action((options: ServeOptions) => run(options, (output) => serve(options, output)));
}

async function serve(options: ServeOptions, output: Output): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  // The server (Fastify and its plugins) is loaded only by this command.
  const { loadServerConfig, startServer } = await import('@pv/server');
  const server = await startServer({
    ...(await loadServerConfig(process.env)),
    store: settings.store,
    model: settings.model.id,
    detector: settings.detector,
    metric: settings.metric.id === 'l2' ? 'l2' : 'cosine',
    threshold: settings.threshold,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.jobs !== undefined ? { workers: options.jobs } : {}),
    // Request logs go to standard error; standard output is for what the user asked for.
    logStream: process.stderr,
  });
  const interruption = catchInterrupt((text) => output.note(text), 'Stopping: requests in flight finish, then the store is closed.');
  output.result({ url: server.url, port: server.port, store: settings.store, apiKey: server.generatedApiKey ?? null });
  output.line(`pv server listening on ${output.colour.cyan(server.url)} (page ${server.url}/, API ${server.url}/v1, OpenAPI ${server.url}/openapi.json)`);
  output.line(`store ${settings.store}, model ${settings.model.id}, detector ${settings.detector}, ${settings.metric.id} threshold ${settings.threshold}`);
  const note = thresholdNote(settings);
  if (note) output.line(output.colour.dim(`Note: ${note}.`));
  if (server.generatedApiKey) output.line(`No API keys configured (PV_API_KEYS); this run accepts: ${server.generatedApiKey}`);
  output.line(output.colour.dim('Ctrl-C to stop.'));
  try {
    await new Promise<void>((resolve) => interruption.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    interruption.dispose();
    await server.close();
  }
  output.note('Stopped.');
  return ExitCode.ok;
}
