import { InvalidArgumentError } from '@pv/core';
import { AUDIT_ACTIONS, AuditTrail, storeAuditTrailPath, type AuditAction, type AuditEntry, type AuditFilter } from '@pv/privacy';
import { loadAuditSettings } from '@pv/settings/node';
import { Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, withStore, type OutputOptions, type StoreOptions } from '../cli-options.js';
import { plural } from '../display.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';
import { settingsOf } from '../pipeline.js';

/** Options of `pv audit`. */
export interface AuditOptions extends StoreOptions, OutputOptions {
  readonly trail?: string;
  readonly subject?: string;
  readonly action?: AuditAction;
  readonly actor?: string;
  readonly since?: string;
  readonly until?: string;
  readonly verify?: boolean;
}

/** Registers `pv audit`. */
export function registerAudit(program: Command, run: CommandRunner): void {
  const command = program
    .command('audit')
    .summary('who enrolled, deleted, exported or searched whom')
    .description('Read the audit trail of a store (oldest first): who did what to whom, when and from where. --verify checks that no entry was edited, removed or inserted.')
    .option('--trail <file>', 'the trail file (default: PV_AUDIT_TRAIL, else the one beside --store)')
    .option('--subject <label>', 'only entries naming this person')
    .addOption(new Option('--action <action>', 'only this action').choices(AUDIT_ACTIONS))
    .option('--actor <id>', 'only entries of this API key id or local user')
    .option('--since <time>', 'only entries at or after this ISO 8601 time')
    .option('--until <time>', 'only entries before this ISO 8601 time')
    .option('--verify', 'check the hash chain of the whole trail (exit 1 when it is broken)');
  withStore(command, 'the store whose trail to read');
  withJson(command);
  withExamples(command, 'pv audit --store sqlite:faces.db --subject alice', 'pv audit --trail faces.pv.audit.jsonl --verify --json');
  command.action((options: AuditOptions) => run(options, (output) => readAudit(options, output)));
}

async function readAudit(options: AuditOptions, output: Output): Promise<ExitStatus> {
  const file = options.trail ?? (await trailOf((await settingsOf({ ...(options.store !== undefined ? { store: options.store } : {}) })).store));
  const trail = await AuditTrail.open(file);
  if (options.verify === true) {
    const result = await trail.verify();
    output.result({ trail: file, ...result });
    if (result.ok) output.line(`${file}: ${plural(result.entries, 'entry', 'entries')}, chain intact (${result.erasedSubjects} erased subjects)`);
    else output.line(output.colour.red(`${file}: line ${result.problem?.line}: ${result.problem?.reason}`));
    return result.ok ? ExitCode.ok : ExitCode.negative;
  }
  const entries: AuditEntry[] = [];
  for await (const entry of trail.entries(filterOf(options))) entries.push(entry);
  output.result({ trail: file, entries });
  for (const entry of entries) output.line(describe(entry));
  output.line(output.colour.dim(`${plural(entries.length, 'entry', 'entries')} in ${file}`));
  return ExitCode.ok;
}

/** The trail of a store as pv finds it everywhere (`PV_AUDIT_TRAIL`, else beside the store), read even when recording is off. */
async function trailOf(store: string): Promise<string> {
  const file = await storeAuditTrailPath(store, { settings: { ...loadAuditSettings(), enabled: true } });
  if (file === undefined) throw new InvalidArgumentError(`The store ${store} keeps no audit trail: name one with --trail FILE`, { store });
  return file;
}

function filterOf(options: AuditOptions): AuditFilter {
  return {
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.action !== undefined ? { action: options.action } : {}),
    ...(options.actor !== undefined ? { actorId: options.actor } : {}),
    ...(options.since !== undefined ? { since: parseTime(options.since, '--since') } : {}),
    ...(options.until !== undefined ? { until: parseTime(options.until, '--until') } : {}),
  };
}

function parseTime(text: string, option: string): Date {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new InvalidArgumentError(`${option} must be an ISO 8601 time such as 2026-12-01 or 2026-12-01T08:00:00Z, not "${text}"`);
  return new Date(time);
}

function describe(entry: AuditEntry): string {
  const subjects = entry.subjects.map((s) => s?.label ?? '(erased)').join(', ');
  const count = entry.count === null ? '' : ` ×${entry.count}`;
  const failed = entry.outcome === 'error' ? ' FAILED' : '';
  return `${entry.at}  ${entry.actor.kind}:${entry.actor.id} @ ${entry.origin}  ${entry.action}${count}${failed}${subjects ? `  ${subjects}` : ''}${entry.detail ? `  (${entry.detail})` : ''}`;
}
