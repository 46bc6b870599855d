import { chmod, writeFile } from 'node:fs/promises';
import { NotFoundError, printableLabel, renameLabel, unknownLabelError, type EmbeddingRecord, type Store } from '@pv/core';
import { erasePerson, exportPerson, holdsPerson, parseMaxAge, removeExpired, type AuditRecorder } from '@pv/privacy';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, withStore, type OutputOptions, type StoreOptions } from '../cli-options.js';
import { plural } from '../display.js';
import { describeBox } from '../faces.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { commandAudit, existingAuditTrail } from '../command-audit.js';
import { openSettingsStore, settingsOf } from '../pipeline.js';

type PeopleOptions = StoreOptions & OutputOptions;

/** Options of `pv people export`. */
interface ExportOptions extends PeopleOptions {
  readonly out?: string;
}

/** Options of `pv people prune`. */
interface PruneOptions extends PeopleOptions {
  readonly maxAge: string;
}

/** One enrolled person as `pv people list` shows them. */
interface Person {
  readonly label: string;
  readonly faces: number;
  readonly files: number;
  readonly firstEnrolled: string;
  readonly lastEnrolled: string;
}

/** Registers `pv people` and its subcommands. */
export function registerPeople(program: Command, run: CommandRunner): void {
  const group = program
    .command('people')
    .summary('who is enrolled: list, show, export, rename (merge), rm, rm-face, prune')
    .description(
      "Who is enrolled in the store, with face counts, source files and dates; export everything held about a person; rename or merge people; erase people or single faces; remove faces older than a retention limit. Every change and every read of a person's data is recorded in the store's audit trail (pv audit).",
    );
  withExamples(group, 'pv people list', 'pv people show alice', 'pv people export alice --out alice.json', 'pv people rename bob Robert', 'pv people rm-face 3f2a…', 'pv people prune --max-age 365d');

  const list = group.command('list').description('Every enrolled person with their number of faces and files and when they were enrolled.');
  withStore(list);
  withJson(list);
  list.action((options: PeopleOptions) => run(options, (output) => withPeopleStore(options, true, (store) => listPeople(store, output))));

  const show = group.command('show').description('The faces of one person: record id, source file, face box and date.').argument('<label>', 'the person');
  withStore(show);
  withJson(show);
  show.action((label: string, options: PeopleOptions) =>
    run(options, (output) => withPeopleStore(options, true, (store, audit) => showPerson(store, label, audit, output))),
  );

  const exportCommand = group
    .command('export')
    .description(
      "Everything pv holds about one person, as JSON: their records (ids, embeddings, source files, face boxes, dates, model) and the audit trail's entries naming them. Recorded in the trail.",
    )
    .argument('<label>', 'the person')
    .option('--out <file>', 'write the JSON to this file (owner-only) instead of standard output');
  withStore(exportCommand);
  withJson(exportCommand);
  withExamples(exportCommand, 'pv people export alice --out alice.json');
  exportCommand.action((label: string, options: ExportOptions) =>
    run(options, (output) => withPeopleStore(options, true, (store, audit) => exportPersonCommand(store, label, options, audit, output))),
  );

  const rename = group
    .command('rename')
    .description('Rename a person; when <new> is already enrolled the two are merged. The new faces are written before the old ones are deleted.')
    .argument('<old>', 'the enrolled label')
    .argument('<new>', 'the new label (the label rules of pv enroll apply)');
  withStore(rename);
  withJson(rename);
  rename.action((from: string, to: string, options: PeopleOptions) =>
    run(options, (output) => withPeopleStore(options, false, (store, audit) => renamePerson(store, from, to, audit, output))),
  );

  const rm = group
    .command('rm')
    .description(
      "Erase a person: delete every face, make the deletion an erasure in the store's files, and remove their name and record ids from every audit entry (the entries and the chain stay).",
    )
    .argument('<label>', 'the person');
  withStore(rm);
  withJson(rm);
  rm.action((label: string, options: PeopleOptions) =>
    run(options, (output) => withPeopleStore(options, false, (store, audit, uri) => removePerson(store, label, audit, uri, output))),
  );

  const rmFace = group.command('rm-face').description('Delete one face by its record id (see pv people show).').argument('<id>', 'the record id');
  withStore(rmFace);
  withJson(rmFace);
  rmFace.action((id: string, options: PeopleOptions) =>
    run(options, (output) => withPeopleStore(options, false, (store, audit) => removeFace(store, id, audit, output))),
  );

  const prune = group
    .command('prune')
    .description('Retention: delete (and erase) every face enrolled longer ago than --max-age, listing who lost faces. Recorded in the audit trail.')
    .requiredOption('--max-age <duration>', 'the retention limit: a whole number and a unit, s m h d w y (y = 365 days), e.g. 365d');
  withStore(prune);
  withJson(prune);
  withExamples(prune, 'pv people prune --max-age 365d --store sqlite:faces.db');
  prune.action((options: PruneOptions) => run(options, (output) => withPeopleStore(options, false, (store, audit) => prunePeople(store, options.maxAge, audit, output))));
}

async function withPeopleStore(
  options: PeopleOptions,
  readOnly: boolean,
  work: (store: Store, audit: AuditRecorder | undefined, storeUri: string) => Promise<ExitStatus>,
): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const store = await openSettingsStore(settings, { readOnly });
  try {
    return await work(store, await commandAudit(settings.store), settings.store);
  } finally {
    await store.close();
  }
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString();
}

async function recordsOf(store: Store, label?: string): Promise<EmbeddingRecord[]> {
  const records: EmbeddingRecord[] = [];
  for await (const record of store.records()) if (label === undefined || record.label === label) records.push(record);
  return records;
}

async function listPeople(store: Store, output: Output): Promise<ExitStatus> {
  const byLabel = new Map<string, EmbeddingRecord[]>();
  for (const record of await recordsOf(store)) {
    const list = byLabel.get(record.label) ?? [];
    list.push(record);
    byLabel.set(record.label, list);
  }
  const people: Person[] = [...byLabel.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, records]) => {
      const times = records.map((r) => r.createdAt);
      return {
        label,
        faces: records.length,
        files: new Set(records.map((r) => r.source?.file).filter((f) => f !== undefined)).size,
        firstEnrolled: dateOf(Math.min(...times)),
        lastEnrolled: dateOf(Math.max(...times)),
      };
    });
  output.result({ people });
  if (people.length === 0) output.line('Nobody is enrolled yet: add people with pv enroll <dir>.');
  else {
    output.line(`${'person'.padEnd(24)} ${'faces'.padStart(5)} ${'files'.padStart(5)}  enrolled`);
    for (const p of people) {
      const when = p.firstEnrolled.slice(0, 10) === p.lastEnrolled.slice(0, 10) ? p.firstEnrolled.slice(0, 10) : `${p.firstEnrolled.slice(0, 10)} … ${p.lastEnrolled.slice(0, 10)}`;
      output.line(`${printableLabel(p.label).padEnd(24)} ${String(p.faces).padStart(5)} ${String(p.files).padStart(5)}  ${when}`);
    }
    output.line(output.colour.dim(`${plural(people.length, 'person', 'people')}, ${plural(people.reduce((n, p) => n + p.faces, 0), 'face')}`));
  }
  return ExitCode.ok;
}

async function showPerson(store: Store, label: string, audit: AuditRecorder | undefined, output: Output): Promise<ExitStatus> {
  const records = await recordsOf(store, label);
  if (records.length === 0) throw await unknownLabelError(store, label);
  await audit?.record({ action: 'search', subjects: [label], recordIds: [records.map((r) => r.id)], count: records.length, detail: 'people show' });
  output.result({
    label,
    faces: records.map((r) => ({ id: r.id, file: r.source?.file ?? null, box: r.source?.box ?? null, enrolled: dateOf(r.createdAt), modelId: r.modelId })),
  });
  output.line(`${printableLabel(label)}: ${plural(records.length, 'face')}`);
  for (const r of records) {
    const box = r.source?.box ? ` ${output.colour.dim(describeBox(r.source.box))}` : '';
    output.line(`  ${r.id}  ${dateOf(r.createdAt).slice(0, 19)}Z  ${r.source?.file ?? '(no file)'}${box}`);
  }
  return ExitCode.ok;
}

async function renamePerson(store: Store, from: string, to: string, audit: AuditRecorder | undefined, output: Output): Promise<ExitStatus> {
  const result = await renameLabel(store, from, to);
  await audit?.record({ action: 'delete', subjects: [from], count: result.moved, detail: 'people rename: faces moved to another label' });
  await audit?.record({ action: 'enroll', subjects: [result.to], count: result.added, detail: 'people rename: faces moved from another label' });
  output.result(result);
  if (result.mergedInto > 0) {
    output.line(`Merged ${plural(result.moved, 'face')} of ${printableLabel(from)} into ${printableLabel(result.to)} (now ${result.mergedInto + result.added}).`);
  } else output.line(`Renamed ${printableLabel(from)} to ${printableLabel(result.to)} (${plural(result.moved, 'face')}).`);
  return ExitCode.ok;
}

async function removePerson(store: Store, label: string, audit: AuditRecorder | undefined, storeUri: string, output: Output): Promise<ExitStatus> {
  const named = await holdsPerson(store, label, audit?.trail);
  if (!named) throw await unknownLabelError(store, label);
  // Recording off: nothing is recorded, but a trail kept earlier still loses the person's fields.
  const { records, auditEntries } = await erasePerson(store, label, audit, audit ? undefined : await existingAuditTrail(storeUri));
  output.result({ label, removed: records, auditEntries, remaining: await store.count() });
  output.line(`Erased ${printableLabel(label)}: ${plural(records, 'face')} removed, their name removed from ${plural(auditEntries, 'audit entry', 'audit entries')}.`);
  return ExitCode.ok;
}

async function exportPersonCommand(store: Store, label: string, options: ExportOptions, audit: AuditRecorder | undefined, output: Output): Promise<ExitStatus> {
  if (!(await holdsPerson(store, label, audit?.trail))) throw await unknownLabelError(store, label);
  const data = await exportPerson(store, label, audit);
  // The export is JSON with or without --json: on standard output, or in the --out file.
  if (options.out === undefined) {
    output.result(data);
    output.line(JSON.stringify(data, null, 2));
    return ExitCode.ok;
  }
  await writeFile(options.out, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  await chmod(options.out, 0o600);
  output.result({ label, out: options.out, records: data.records.length, auditEntries: data.audit.length });
  output.line(`Exported ${printableLabel(label)}: ${plural(data.records.length, 'face')}, ${plural(data.audit.length, 'audit entry', 'audit entries')} → ${options.out}`);
  return ExitCode.ok;
}

async function prunePeople(store: Store, maxAge: string, audit: AuditRecorder | undefined, output: Output): Promise<ExitStatus> {
  const result = await removeExpired(store, { maxAgeMs: parseMaxAge(maxAge), ...(audit ? { audit } : {}) });
  output.result({ ...result, remaining: await store.count() });
  if (result.removed === 0) output.line(`No face was enrolled before ${result.cutoff}.`);
  else {
    output.line(`Removed ${plural(result.removed, 'face')} enrolled before ${result.cutoff}, of ${plural(result.labels.length, 'person', 'people')}:`);
    for (const label of result.labels) output.line(`  ${printableLabel(label)}`);
  }
  return ExitCode.ok;
}

async function removeFace(store: Store, id: string, audit: AuditRecorder | undefined, output: Output): Promise<ExitStatus> {
  const record = await store.get(id);
  if (record === undefined || !(await store.delete(id))) {
    throw new NotFoundError(`No face with id "${id}" is enrolled (see pv people show <label>)`, { id });
  }
  await audit?.record({ action: 'delete', subjects: [record.label], recordIds: [[id]], count: 1 });
  const left = await store.count();
  output.result({ id, removed: true, label: record.label, file: record.source?.file ?? null, remaining: left });
  output.line(`Deleted face ${id} of ${printableLabel(record.label)}${record.source?.file ? ` (${record.source.file})` : ''}.`);
  return ExitCode.ok;
}
