import { copyStore, isPvError } from '@pv/core';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { METRIC_IDS, type MetricId } from '@pv/settings';
import { openStore } from '@pv/stores';
import { withExamples, withJson, withStore, type OutputOptions, type StoreOptions } from '../cli-options.js';
import { plural } from '../display.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import { settingsOf } from '../pipeline.js';

/** Options of `pv store export` and `pv store import`. */
export interface CopyOptions extends StoreOptions, OutputOptions {
  readonly metric: MetricId;
}

/** Registers `pv store` and its subcommands. */
export function registerStore(program: Command, run: CommandRunner): void {
  const group = program.command('store').summary('store stats, export and import').description('Inspect a store, or move records between stores (file → sqlite → hnsw → postgres).');
  withExamples(group, 'pv store stats --store sqlite:faces.db', 'pv store export hnsw:faces-index --store file:pv-store.pv');

  const stats = group.command('stats').description('What a store holds: model, dimension, faces per person.');
  withStore(stats, 'the store');
  withJson(stats);
  withExamples(stats, 'pv store stats --store file:pv-store.pv');
  stats.action((options: StoreOptions & OutputOptions) => run(options, (output) => storeStats(options, output)));

  const metricOption = (): Option =>
    new Option('--metric <metric>', 'the metric an hnsw or postgres target is indexed for when created').choices(METRIC_IDS).default('cosine');
  const exportCommand = group
    .command('export')
    .description('Copy every record of --store into another store, keeping ids, labels, creation times and sources.')
    .argument('<target>', 'the store URI to copy into (created when missing)')
    .addOption(metricOption());
  withStore(exportCommand, 'the store to copy from');
  withJson(exportCommand);
  withExamples(exportCommand, 'pv store export sqlite:faces.db', 'pv store export postgres://pv:secret@localhost/pv?table=faces --store sqlite:faces.db');
  exportCommand.action((target: string, options: CopyOptions) => run(options, async (output) => copyBetween(await storeOf(options), target, options, output)));

  const importCommand = group
    .command('import')
    .description('Copy every record of another store into --store, keeping ids, labels, creation times and sources.')
    .argument('<source>', 'the store URI to copy from')
    .addOption(metricOption());
  withStore(importCommand, 'the store to copy into');
  withJson(importCommand);
  withExamples(importCommand, 'pv store import file:old-store.pv --store sqlite:faces.db');
  importCommand.action((source: string, options: CopyOptions) => run(options, async (output) => copyBetween(source, await storeOf(options), options, output)));
}

/** The store a command works on: --store, else PV_STORE, the config file or pv's default store. */
async function storeOf(options: StoreOptions): Promise<string> {
  return (await settingsOf({ ...(options.store !== undefined ? { store: options.store } : {}) })).store;
}

async function storeStats(options: StoreOptions & OutputOptions, output: Output): Promise<ExitStatus> {
  const uri = await storeOf(options);
  const store = await openStore(uri, { readOnly: true });
  try {
    const info = await store.info();
    const labels = await store.labels();
    output.result({ store: uri, ...info, people: labels.length, labels });
    output.line(`${uri}: ${plural(info.count, 'face')} of ${plural(labels.length, 'person', 'people')}`);
    output.line(`model ${info.modelId ?? '(none yet)'}, dimension ${info.dimension ?? '(none yet)'}`);
    for (const { label, count } of labels) output.line(`  ${label.padEnd(24)} ${count}`);
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

async function copyBetween(fromUri: string, toUri: string, options: CopyOptions, output: Output): Promise<ExitStatus> {
  const from = await openStore(fromUri, { readOnly: true, metric: options.metric });
  try {
    const to = await openStore(toUri, { metric: options.metric });
    const progress = createProgress(!output.json, (line) => output.line(line));
    const interruption = catchInterrupt((text) => progress.note(output.colour.yellow(text)));
    let copied = 0;
    let total = 0;
    let interrupted = false;
    try {
      total = await from.count();
      progress.start(total, 'copy');
      copied = await copyStore(from, to, {
        batchSize: 500,
        signal: interruption.signal,
        onProgress: (p) => {
          copied = p.copied;
          progress.update(p.copied);
        },
      });
    } catch (error) {
      if (!(isPvError(error, 'E_ABORTED') && interruption.signal.aborted)) throw error;
      interrupted = true;
    } finally {
      progress.stop();
      interruption.dispose();
      await to.close();
    }
    output.result({ from: fromUri, to: toUri, copied, total, interrupted });
    if (interrupted) output.line(output.colour.yellow(`Interrupted: ${copied} of ${plural(total, 'record')} copied (whole batches).`));
    else output.line(`Copied ${plural(copied, 'record')} from ${fromUri} to ${toUri}.`);
    return interrupted ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    await from.close();
  }
}
