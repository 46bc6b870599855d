import { NotFoundError, printableLabel, renameLabel, unknownLabelError, type EmbeddingRecord, type Store } from '@pv/core';
import type { Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, withStore, type OutputOptions, type StoreOptions } from '../cli-options.js';
import { plural } from '../display.js';
import { describeBox } from '../faces.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { openSettingsStore, settingsOf } from '../pipeline.js';

type PeopleOptions = StoreOptions & OutputOptions;

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
    .summary('who is enrolled: list, show, rename (merge), rm, rm-face')
    .description('Who is enrolled in the store, with face counts, source files and dates; rename or merge people; delete people or single faces.');
  withExamples(group, 'pv people list', 'pv people show alice', 'pv people rename bob Robert', 'pv people rm-face 3f2a…');

  const list = group.command('list').description('Every enrolled person with their number of faces and files and when they were enrolled.');
  withStore(list);
  withJson(list);
  list.action((options: PeopleOptions) => run(options, (output) => withPeopleStore(options, true, (store) => listPeople(store, output))));

  const show = group.command('show').description('The faces of one person: record id, source file, face box and date.').argument('<label>', 'the person');
  withStore(show);
  withJson(show);
  show.action((label: string, options: PeopleOptions) => run(options, (output) => withPeopleStore(options, true, (store) => showPerson(store, label, output))));

  const rename = group
    .command('rename')
    .description('Rename a person; when <new> is already enrolled the two are merged. The new faces are written before the old ones are deleted.')
    .argument('<old>', 'the enrolled label')
    .argument('<new>', 'the new label (the label rules of pv enroll apply)');
  withStore(rename);
  withJson(rename);
  rename.action((from: string, to: string, options: PeopleOptions) =>
    run(options, (output) => withPeopleStore(options, false, (store) => renamePerson(store, from, to, output))),
  );

  const rm = group.command('rm').description('Delete every face of a person.').argument('<label>', 'the person');
  withStore(rm);
  withJson(rm);
  rm.action((label: string, options: PeopleOptions) => run(options, (output) => withPeopleStore(options, false, (store) => removePerson(store, label, output))));

  const rmFace = group.command('rm-face').description('Delete one face by its record id (see pv people show).').argument('<id>', 'the record id');
  withStore(rmFace);
  withJson(rmFace);
  rmFace.action((id: string, options: PeopleOptions) => run(options, (output) => withPeopleStore(options, false, (store) => removeFace(store, id, output))));
}

async function withPeopleStore(options: PeopleOptions, readOnly: boolean, work: (store: Store) => Promise<ExitStatus>): Promise<ExitStatus> {
  const settings = await settingsOf(options);
  const store = await openSettingsStore(settings, { readOnly });
  try {
    return await work(store);
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

async function showPerson(store: Store, label: string, output: Output): Promise<ExitStatus> {
  const records = await recordsOf(store, label);
  if (records.length === 0) throw await unknownLabelError(store, label);
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

async function renamePerson(store: Store, from: string, to: string, output: Output): Promise<ExitStatus> {
  const result = await renameLabel(store, from, to);
  output.result(result);
  if (result.mergedInto > 0) {
    output.line(`Merged ${plural(result.moved, 'face')} of ${printableLabel(from)} into ${printableLabel(result.to)} (now ${result.mergedInto + result.added}).`);
  } else output.line(`Renamed ${printableLabel(from)} to ${printableLabel(result.to)} (${plural(result.moved, 'face')}).`);
  return ExitCode.ok;
}

async function removePerson(store: Store, label: string, output: Output): Promise<ExitStatus> {
  const removed = await store.deleteLabel(label);
  if (removed === 0) throw await unknownLabelError(store, label);
  output.result({ label, removed, remaining: await store.count() });
  output.line(`Deleted ${printableLabel(label)}: ${plural(removed, 'face')} removed.`);
  return ExitCode.ok;
}

async function removeFace(store: Store, id: string, output: Output): Promise<ExitStatus> {
  const record = await store.get(id);
  if (record === undefined || !(await store.delete(id))) {
    throw new NotFoundError(`No face with id "${id}" is enrolled (see pv people show <label>)`, { id });
  }
  const left = await store.count();
  output.result({ id, removed: true, label: record.label, file: record.source?.file ?? null, remaining: left });
  output.line(`Deleted face ${id} of ${printableLabel(record.label)}${record.source?.file ? ` (${record.source.file})` : ''}.`);
  return ExitCode.ok;
}
