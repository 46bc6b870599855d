import { InvalidArgumentError } from '@pv/core';
import {
  cachedModelPath,
  checkFile,
  createTerminalProgress,
  fetchModels,
  loadLocalModels,
  modelsCacheDir,
  prefetchDefaultModels,
  type DownloadedWeights,
} from '@pv/model-fetch';
import { defaultCatalog, findRemoteWeights, getModel, listModels, REMOTE_WEIGHT_IDS, type ModelEntry, type RemoteWeights } from '@pv/models';
import { Argument, Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, type OutputOptions } from '../cli-options.js';
import { displayPath } from '../display.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { registerModelsQuantize } from './models-quantize.js';

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
    .description(
      'Download model files from the npm registry into the cache, verified by hash (all built-in models by default). ' +
        `${REMOTE_WEIGHT_IDS.join(', ')}: downloaded from facenet-pytorch on GitHub (or --mirror) only when named, then ` +
        'converted and registered as `pv models import` does; HTTPS_PROXY / NO_PROXY apply.',
    )
    .argument('[id]', 'one model id')
    .option('--sha256 <hex>', 'facenet-*: the SHA-256 the checkpoint must have (otherwise the first download is trusted and recorded)')
    .option('--mirror <url>', 'facenet-*, mtcnn: a base URL serving the same paths as https://github.com/ (default PV_WEIGHTS_MIRROR)');
  withJson(fetch);
  withExamples(
    fetch,
    'pv models fetch',
    'PV_MODELS_DIR=/opt/pv-models pv models fetch mobilefacenet',
    'pv models fetch facenet-vggface2',
    'pv models fetch mtcnn --mirror https://mirror.example.org/github/',
  );
  fetch.action((id: string | undefined, options: FetchOptions) => run(options, (output) => fetchCommand(id, options, output)));

  const importCommand = group
    .command('import')
    .description(
      'Convert weights you downloaded yourself into the models cache and register them. facenet: facenet-pytorch ' +
        'Inception-ResNet-v1 checkpoints (then --model facenet-vggface2 / facenet-casia-webface); mtcnn: facenet-pytorch ' +
        "MTCNN's pnet.pt, rnet.pt and onet.pt (then --detector mtcnn).",
    )
    .addArgument(new Argument('<family>', 'the kind of weights').choices(['facenet', 'mtcnn']))
    .option('--vggface2 <file>', "facenet: facenet-pytorch's 20180402-114759-vggface2.pt")
    .option('--casia-webface <file>', "facenet: facenet-pytorch's 20180408-102900-casia-webface.pt")
    .addOption(
      new Option('--normalization <kind>', 'facenet: input normalisation built into the converted graph').choices(['fixed', 'prewhiten']).default('fixed'),
    )
    .option('--dir <dir>', "mtcnn: the folder holding pnet.pt, rnet.pt and onet.pt (facenet-pytorch's data/)")
    .option('--pnet <file>', 'mtcnn: pnet.pt, when not in --dir')
    .option('--rnet <file>', 'mtcnn: rnet.pt, when not in --dir')
    .option('--onet <file>', 'mtcnn: onet.pt, when not in --dir');
  withJson(importCommand);
  withExamples(
    importCommand,
    'pv models import facenet --vggface2 ~/Downloads/20180402-114759-vggface2.pt',
    'pv models import mtcnn --dir facenet-pytorch/data',
  );
  importCommand.action((family: 'facenet' | 'mtcnn', options: ImportOptions) =>
    run(options, (output) => (family === 'facenet' ? importFacenetCommand(options, output) : importMtcnnCommand(options, output))),
  );

  const info = group.command('info').description('Everything the catalog records about one model.').argument('<id>', 'a model id');
  withJson(info);
  withExamples(info, 'pv models info mobilefacenet');
  info.action((id: string, options: OutputOptions) => run(options, (output) => infoCommand(id, output)));

  registerModelsQuantize(group, run);
}

/** Options of `pv models fetch`. */
interface FetchOptions extends OutputOptions {
  readonly sha256?: string;
  readonly mirror?: string;
}

/** Options of `pv models import`. */
interface ImportOptions extends OutputOptions {
  readonly vggface2?: string;
  readonly casiaWebface?: string;
  readonly normalization: 'fixed' | 'prewhiten';
  readonly dir?: string;
  readonly pnet?: string;
  readonly rnet?: string;
  readonly onet?: string;
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

async function fetchCommand(id: string | undefined, fetchOptions: FetchOptions, output: Output): Promise<ExitStatus> {
  const remote = id === undefined ? undefined : findRemoteWeights(id);
  if (remote !== undefined) return fetchRemoteCommand(remote, fetchOptions, output);
  if (fetchOptions.sha256 !== undefined || fetchOptions.mirror !== undefined) {
    throw new InvalidArgumentError(`--sha256 and --mirror apply to ${REMOTE_WEIGHT_IDS.join(', ')}; npm-registry models are pinned in the catalog`);
  }
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

/** `pv models fetch facenet-* | mtcnn`: download from GitHub (or the mirror), verify, convert, register. */
async function fetchRemoteCommand(weights: RemoteWeights, options: FetchOptions, output: Output): Promise<ExitStatus> {
  const { colour } = output;
  output.note(`${colour.bold(weights.id)}: ${weights.description}`);
  output.note(`from:  ${weights.origin}`);
  output.note(`terms: ${weights.terms}`);
  const progress = output.json ? undefined : createTerminalProgress();
  const download = {
    ...(options.mirror !== undefined ? { mirror: options.mirror } : {}),
    ...(progress ? { onProgress: progress.onProgress } : {}),
  };
  let imported: readonly { readonly id: string; readonly onnxFile: string; readonly source: { readonly file: string; readonly sha256: string } }[];
  let downloads: readonly DownloadedWeights[];
  try {
    if (weights.id === 'mtcnn') {
      if (options.sha256 !== undefined) throw new InvalidArgumentError('mtcnn is pinned by pv (three files with known SHA-256s): --sha256 does not apply');
      const { fetchMtcnn } = await import('@pv/mtcnn');
      const fetched = await fetchMtcnn(download);
      imported = fetched.imported;
      downloads = fetched.downloads;
    } else {
      const { fetchFacenet } = await import('@pv/facenet');
      const fetched = await fetchFacenet(weights.id === 'facenet-vggface2' ? 'vggface2' : 'casia-webface', {
        ...download,
        ...(options.sha256 !== undefined ? { sha256: options.sha256 } : {}),
      });
      imported = [fetched.imported];
      downloads = [fetched.download];
    }
  } finally {
    progress?.stop();
  }
  for (const d of downloads) output.note(`${d.name}: sha256 ${d.sha256} (${TRUST_WORDS[d.trust]})`);
  output.result({
    id: weights.id,
    terms: weights.terms,
    downloads: downloads.map((d) => ({ name: d.name, url: d.url, path: d.path, sha256: d.sha256, size: d.size, trust: d.trust })),
    imported: imported.map((m) => ({ id: m.id, onnxFile: m.onnxFile })),
  });
  printImportedLines(imported, weights.id === 'mtcnn' ? 'detector' : 'model', output);
  if (weights.id !== 'mtcnn') {
    output.line(colour.dim(`Its thresholds are provisional until calibrated: measure it with \`pv eval lfw --root <LFW folder> --model ${weights.id} --detector mtcnn\`.`));
  }
  return ExitCode.ok;
}

const TRUST_WORDS: Readonly<Record<DownloadedWeights['trust'], string>> = {
  pinned: 'matches the pinned hash',
  recorded: 'matches the hash recorded at its first download',
  'first-use':
    'no published hash: trusted on first use and recorded; a different file will be refused later unless you pin it with --sha256',
};

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
  if (source.kind === 'local' && source.convertedFrom !== undefined) {
    output.line(`converted:  from ${source.convertedFrom.url ?? source.convertedFrom.file} (${source.convertedFrom.format}, sha256 ${source.convertedFrom.sha256.slice(0, 12)}…)`);
  }
  output.line(`cache:      ${cache.state} ${cache.path}`);
  for (const input of entry.inputs) {
    output.line(`input:      ${input.name} [${input.shape.join(', ')}] ${input.layout} ${input.colour}; ${input.preparation}`);
  }
  for (const o of entry.outputs) output.line(`output:     ${o.name} [${o.shape.join(', ')}]: ${o.meaning}`);
  if (entry.task === 'embedder') {
    output.line(`embedding:  ${entry.dimension}-d, alignment ${entry.alignment.kind} ${entry.alignment.width}×${entry.alignment.height}`);
    if (entry.detector !== undefined) output.line(`detector:   ${entry.detector} (the detector it was trained with)`);
    output.line(`thresholds: ${entry.thresholds.map((t) => `${t.metric} ${t.value}`).join(', ')} (${entry.thresholdStatus}; recommended metric ${entry.recommendedMetric})`);
  }
  output.line(`licence:    ${entry.licence}`);
  return ExitCode.ok;
}

async function importFacenetCommand(options: ImportOptions, output: Output): Promise<ExitStatus> {
  if (options.vggface2 === undefined && options.casiaWebface === undefined) {
    throw new InvalidArgumentError('Give --vggface2 and/or --casia-webface: the checkpoint files to convert');
  }
  output.note('Converting (every file is read and checked before anything is written)…');
  // Loaded on demand: the converters are large and only this command needs them.
  const { importFacenet } = await import('@pv/facenet');
  const imported = await importFacenet({
    ...(options.vggface2 !== undefined ? { vggface2: options.vggface2 } : {}),
    ...(options.casiaWebface !== undefined ? { casiaWebface: options.casiaWebface } : {}),
    normalization: options.normalization,
  });
  return printImported(imported, 'model', output);
}

async function importMtcnnCommand(options: ImportOptions, output: Output): Promise<ExitStatus> {
  const files = { pnet: options.pnet, rnet: options.rnet, onet: options.onet };
  if (options.dir === undefined && Object.values(files).some((f) => f === undefined)) {
    throw new InvalidArgumentError('Give --dir (the folder holding pnet.pt, rnet.pt and onet.pt) or all of --pnet, --rnet and --onet');
  }
  output.note('Converting (every file is read and checked before anything is written)…');
  const { importMtcnn } = await import('@pv/mtcnn');
  const imported = await importMtcnn({
    ...(options.dir !== undefined ? { directory: options.dir } : {}),
    ...Object.fromEntries(Object.entries(files).filter(([, file]) => file !== undefined)),
  });
  return printImported(imported, 'detector', output);
}

function printImported(
  imported: readonly { readonly id: string; readonly onnxFile: string; readonly source: { readonly file: string; readonly sha256: string } }[],
  use: 'model' | 'detector',
  output: Output,
): ExitStatus {
  output.result(imported.map((m) => ({ id: m.id, onnxFile: m.onnxFile, source: m.source })));
  printImportedLines(imported, use, output);
  return ExitCode.ok;
}

function printImportedLines(
  imported: readonly { readonly id: string; readonly onnxFile: string; readonly source: { readonly file: string; readonly sha256: string } }[],
  use: 'model' | 'detector',
  output: Output,
): void {
  for (const m of imported) {
    output.line(`${output.colour.green('imported')} ${m.id.padEnd(22)} ${m.onnxFile}`);
    output.line(output.colour.dim(`  from ${m.source.file} (sha256 ${m.source.sha256.slice(0, 12)}…)`));
  }
  output.line(use === 'model' ? `Use it with --model ${imported.map((m) => m.id).join(' or --model ')}.` : 'Use it with --detector mtcnn.');
}
