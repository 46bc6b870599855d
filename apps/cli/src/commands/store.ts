import path from 'node:path';
import { InvalidArgumentError, copyStore, isPvError, storeUriPath, type StoreKeySource } from '@pv/core';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { METRIC_IDS, type MetricId } from '@pv/settings';
import { openStore, stores } from '@pv/stores';
import { withExamples, withJson, withStore, type OutputOptions, type StoreOptions } from '../cli-options.js';
import { plural } from '../display.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { createProgress } from '../progress.js';
import { commandAudit } from '../command-audit.js';
import { settingsOf } from '../pipeline.js';

/** Options of `pv store export` and `pv store import`. */
export interface CopyOptions extends StoreOptions, OutputOptions {
  readonly metric: MetricId;
  /** `export` only: copy the intact records of a damaged SQLite or HNSW store. */
  readonly salvage?: boolean;
}

/** Registers `pv store` and its subcommands. */
export function registerStore(program: Command, run: CommandRunner): void {
  const group = program
    .command('store')
    .summary('store stats, check, export, import, rekey and unlock')
    .description(
      'Inspect or check a store, move records between stores (file → sqlite → hnsw → postgres), salvage a damaged one, change its encryption key, remove a stale lock. An encrypted --store is opened with PV_STORE_KEY_FILE or PV_STORE_KEY; the other store of export and import is opened without a key.',
    );
  withExamples(group, 'pv store stats --store sqlite:faces.db', 'pv store export hnsw:faces-index --store file:pv-store.pv');

  const stats = group.command('stats').description('What a store holds: model, dimension, faces per person.');
  withStore(stats, 'the store');
  withJson(stats);
  withExamples(stats, 'pv store stats --store file:pv-store.pv');
  stats.action((options: StoreOptions & OutputOptions) => run(options, async (output) => storeStats(await storeOf(options), output)));

  const rekey = group
    .command('rekey')
    .description(
      'Re-encrypt a file:, sqlite: or hnsw: store under a new key (or encrypt a plain one, or decrypt one). Close it everywhere first. The current key is PV_STORE_KEY_FILE or PV_STORE_KEY unless --key-file, --key-env or --plain says otherwise; afterwards only the new key opens the store.',
    )
    .option('--key-file <file>', 'the current key, from a key file')
    .option('--key-env <name>', 'the current key, from this environment variable')
    .option('--plain', 'the store is not encrypted yet')
    .option('--new-key-file <file>', 'the new key, from a key file (make one with: openssl rand -base64 32 > new.key; chmod 600 new.key)')
    .option('--new-key-env <name>', 'the new key, from this environment variable')
    .option('--decrypt', 'write the store back in plain form');
  withStore(rekey, 'the store to rekey');
  withJson(rekey);
  withExamples(
    rekey,
    'pv store rekey --store sqlite:faces.db --plain --new-key-file /run/secrets/pv.key',
    'PV_STORE_KEY_FILE=old.key pv store rekey --store hnsw:faces-index --new-key-file new.key',
    'pv store rekey --store file:pv-store.pv --key-file old.key --decrypt',
  );
  rekey.action((options: RekeyOptions) => run(options, async (output) => rekeyCommand(options, output)));

  const metricOption = (): Option =>
    new Option('--metric <metric>', 'the metric an hnsw or postgres target is indexed for when created').choices(METRIC_IDS).default('cosine');
  const exportCommand = group
    .command('export')
    .description('Copy every record of --store into another store, keeping ids, labels, creation times and sources.')
    .argument('<target>', 'the store URI to copy into (created when missing)')
    .addOption(metricOption())
    .option('--salvage', 'copy only the intact records of a damaged sqlite: or hnsw: store, listing the others (the damaged store is not written)');
  withStore(exportCommand, 'the store to copy from');
  withJson(exportCommand);
  withExamples(
    exportCommand,
    'pv store export sqlite:faces.db',
    'pv store export postgres://pv:secret@localhost/pv?table=faces --store sqlite:faces.db',
    'pv store export sqlite:recovered.db --store sqlite:damaged.db --salvage',
  );
  exportCommand.action((target: string, options: CopyOptions) =>
    run(options, async (output) => {
      const from = await storeOf(options);
      return options.salvage ? salvage(from, { uri: target, encryption: undefined }, options, output) : copyBetween(from, { uri: target, encryption: undefined }, options, output);
    }),
  );

  const check = group
    .command('check')
    .description('Check a store completely without writing to it: every page and index (SQLite integrity_check) and every record against its checksum. Exit 1 when damaged.');
  withStore(check, 'the store to check');
  withJson(check);
  withExamples(check, 'pv store check --store sqlite:faces.db', 'pv store check --store hnsw:faces-index');
  check.action((options: StoreOptions & OutputOptions) => run(options, async (output) => checkCommand(await storeOf(options), output)));

  const unlock = group
    .command('unlock')
    .description(
      "Remove the writer lock a file: store's writer left behind (a crash on another host, unreadable contents). Refused while a live process on this host holds it. SQLite and HNSW stores need no unlocking: their locks end with the process.",
    );
  withStore(unlock, 'the store to unlock');
  withJson(unlock);
  withExamples(unlock, 'pv store unlock --store file:pv-store.pv');
  unlock.action((options: StoreOptions & OutputOptions) => run(options, async (output) => unlockCommand(await storeOf(options), output)));

  const importCommand = group
    .command('import')
    .description('Copy every record of another store into --store, keeping ids, labels, creation times and sources.')
    .argument('<source>', 'the store URI to copy from')
    .addOption(metricOption());
  withStore(importCommand, 'the store to copy into');
  withJson(importCommand);
  withExamples(importCommand, 'pv store import file:old-store.pv --store sqlite:faces.db');
  importCommand.action((source: string, options: CopyOptions) =>
    run(options, async (output) => copyBetween({ uri: source, encryption: undefined }, await storeOf(options), options, output)),
  );
}

/** The store a command works on (--store, else PV_STORE, the config file or pv's default store) and its key. */
async function storeOf(options: StoreOptions): Promise<StoreRef> {
  const settings = await settingsOf({ ...(options.store !== undefined ? { store: options.store } : {}) });
  return { uri: settings.store, encryption: settings.storeEncryption };
}

/** A store URI and the key it is encrypted with (none: plain). */
interface StoreRef {
  readonly uri: string;
  readonly encryption: StoreKeySource | undefined;
}

const keyOf = (ref: StoreRef): { encryption?: StoreKeySource } => (ref.encryption ? { encryption: ref.encryption } : {});

/** Options of `pv store rekey`. */
interface RekeyOptions extends StoreOptions, OutputOptions {
  readonly keyFile?: string;
  readonly keyEnv?: string;
  readonly plain?: boolean;
  readonly newKeyFile?: string;
  readonly newKeyEnv?: string;
  readonly decrypt?: boolean;
}

async function rekeyCommand(options: RekeyOptions, output: Output): Promise<ExitStatus> {
  const ref = await storeOf(options);
  const current = [options.keyFile, options.keyEnv, options.plain].filter((v) => v !== undefined);
  const next = [options.newKeyFile, options.newKeyEnv, options.decrypt].filter((v) => v !== undefined);
  if (current.length > 1) throw new InvalidArgumentError('Give at most one of --key-file, --key-env and --plain');
  if (next.length !== 1) throw new InvalidArgumentError('Give one of --new-key-file, --new-key-env and --decrypt');
  const from: StoreKeySource | undefined =
    options.keyFile !== undefined ? { keyFile: options.keyFile } : options.keyEnv !== undefined ? { keyEnv: options.keyEnv } : options.plain ? undefined : ref.encryption;
  const to: StoreKeySource | undefined =
    options.newKeyFile !== undefined ? { keyFile: options.newKeyFile } : options.newKeyEnv !== undefined ? { keyEnv: options.newKeyEnv } : undefined;
  await stores.rekey(ref.uri, from, to);
  const change = to === undefined ? 'decrypted' : from === undefined ? 'encrypted' : 're-encrypted under a new key';
  await (await commandAudit(ref.uri))?.record({ action: 'rekey', detail: `pv store rekey: ${change}` });
  output.result({ store: ref.uri, encrypted: to !== undefined, wasEncrypted: from !== undefined });
  output.line(
    to === undefined
      ? `${ref.uri} is decrypted: it is now stored in plain form.`
      : `${ref.uri} is ${from === undefined ? 'encrypted' : 're-encrypted'} under the new key; ${from === undefined ? 'it now needs that key to open' : 'the old key no longer opens it'}.`,
  );
  return ExitCode.ok;
}

async function storeStats(ref: StoreRef, output: Output): Promise<ExitStatus> {
  const uri = ref.uri;
  const store = await openStore(uri, { readOnly: true, ...keyOf(ref) });
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

async function copyBetween(fromRef: StoreRef, toRef: StoreRef, options: CopyOptions, output: Output): Promise<ExitStatus> {
  const [fromUri, toUri] = [fromRef.uri, toRef.uri];
  const from = await openStore(fromUri, { readOnly: true, metric: options.metric, ...keyOf(fromRef) });
  try {
    const to = await openStore(toUri, { metric: options.metric, ...keyOf(toRef) });
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
    await auditCopy(fromUri, toUri, copied);
    output.result({ from: fromUri, to: toUri, copied, total, interrupted });
    if (interrupted) output.line(output.colour.yellow(`Interrupted: ${copied} of ${plural(total, 'record')} copied (whole batches).`));
    else output.line(`Copied ${plural(copied, 'record')} from ${fromUri} to ${toUri}.`);
    return interrupted ? ExitCode.interrupted : ExitCode.ok;
  } finally {
    await from.close();
  }
}

/** Records a copy in both stores' trails: every record read out of one (`export`) and written into the other (`enroll`). */
async function auditCopy(fromUri: string, toUri: string, copied: number): Promise<void> {
  if (copied === 0) return;
  const kind = (uri: string): string => stores.schemeOf(uri);
  await (await commandAudit(fromUri))?.record({ action: 'export', count: copied, detail: `pv store: copied to a ${kind(toUri)}: store` });
  await (await commandAudit(toUri))?.record({ action: 'enroll', count: copied, detail: `pv store: copied from a ${kind(fromUri)}: store` });
}

/** The SQLite database file behind an `sqlite:` or `hnsw:` store URI. */
async function databaseFileOf(uri: string, command: string): Promise<string> {
  const scheme = stores.schemeOf(uri);
  const location = uri.toLowerCase().startsWith(`${scheme}:`) ? storeUriPath(uri, `${scheme}:PATH`) : uri;
  if (scheme === 'sqlite') return location;
  if (scheme === 'hnsw') {
    const { HNSW_DATABASE_FILE } = await import('@pv/store-hnsw');
    return path.join(location, HNSW_DATABASE_FILE);
  }
  throw new InvalidArgumentError(`pv store ${command} works on sqlite: and hnsw: stores, not ${scheme}:`, { store: uri });
}

async function checkCommand(ref: StoreRef, output: Output): Promise<ExitStatus> {
  const uri = ref.uri;
  const { checkStore } = await import('@pv/store-sqlite');
  const report = checkStore(await databaseFileOf(uri, 'check'), keyOf(ref));
  output.result({ store: uri, ...report });
  if (report.ok) {
    output.line(`${uri}: ${plural(report.records, 'record')}, no damage found.`);
    return ExitCode.ok;
  }
  output.line(output.colour.red(`${uri} is damaged: ${plural(report.problems.length, 'problem')} in its pages or indexes, ${plural(report.damaged.length, 'damaged record')}; ${plural(report.records, 'record')} intact.`));
  for (const problem of report.problems.slice(0, 20)) output.line(`  ${problem}`);
  for (const d of report.damaged.slice(0, 20)) output.line(`  record ${d.id ?? '?'} (seq ${d.seq}): ${d.reason}`);
  output.line(`Writes to it are refused. Copy its intact records out with: pv store export <new store> --store ${uri} --salvage`);
  return ExitCode.negative;
}

async function salvage(fromRef: StoreRef, toRef: StoreRef, options: CopyOptions, output: Output): Promise<ExitStatus> {
  const [fromUri, toUri] = [fromRef.uri, toRef.uri];
  const { salvageStore } = await import('@pv/store-sqlite');
  const file = await databaseFileOf(fromUri, 'export --salvage');
  const to = await openStore(toUri, { metric: options.metric, ...keyOf(toRef) });
  const interruption = catchInterrupt((text) => output.line(output.colour.yellow(text)));
  try {
    const report = await salvageStore(file, to, { signal: interruption.signal, ...keyOf(fromRef) });
    await auditCopy(fromUri, toUri, report.copied);
    output.result({ from: fromUri, to: toUri, copied: report.copied, damaged: report.damaged, interrupted: false });
    output.line(`Salvaged ${plural(report.copied, 'record')} from ${fromUri} into ${toUri}; ${plural(report.damaged.length, 'damaged record')} left behind.`);
    for (const d of report.damaged.slice(0, 20)) output.line(`  record ${d.id ?? '?'} (seq ${d.seq}): ${d.reason}`);
    return report.damaged.length > 0 ? ExitCode.negative : ExitCode.ok;
  } catch (error) {
    if (!(isPvError(error, 'E_ABORTED') && interruption.signal.aborted)) throw error;
    output.result({ from: fromUri, to: toUri, interrupted: true });
    output.line(output.colour.yellow('Interrupted: the records copied so far are kept (whole batches).'));
    return ExitCode.interrupted;
  } finally {
    interruption.dispose();
    await to.close();
  }
}

async function unlockCommand({ uri }: StoreRef, output: Output): Promise<ExitStatus> {
  const scheme = stores.schemeOf(uri);
  if (scheme !== 'file') {
    output.result({ store: uri, removed: false, reason: 'no-lock-file' });
    output.line(`${uri} has no lock file to remove: its locks are released when the process holding them ends.`);
    return ExitCode.ok;
  }
  const { unlockStore } = await import('@pv/store-file');
  const result = await unlockStore(uri.toLowerCase().startsWith('file:') ? storeUriPath(uri, 'file:PATH') : uri);
  output.result({ store: uri, ...result });
  if (!result.removed) output.line(`${uri} is not locked.`);
  else {
    const holder = result.holder ? `process ${result.holder.pid} on ${result.holder.hostname}` : 'an unreadable lock';
    output.line(`Removed ${result.lockFile} (${holder}; ${result.reason.replace('-', ' ')}).`);
  }
  return ExitCode.ok;
}
