import { CompreFaceKeyStore, SERVICE_TYPES, type CompreFaceKeyInfo, type ServiceType } from '@pv/server';
import { Argument, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, type OutputOptions } from '../cli-options.js';
import { displayPath } from '../display.js';
import { ExitCode, type ExitStatus, type Output } from '../output.js';

/** A key as listed: never the key, nor its digest. */
function shown(info: CompreFaceKeyInfo): { id: string; name: string; service: ServiceType; createdAt: string } {
  return { id: info.id, name: info.name, service: info.service, createdAt: info.createdAt };
}

/** Registers `pv keys` (CompreFace-compatible API keys of `pv serve`'s `/api/v1`). */
export function registerKeys(program: Command, run: CommandRunner): void {
  const store = (): CompreFaceKeyStore => new CompreFaceKeyStore();
  const group = program
    .command('keys')
    .summary('API keys of the CompreFace-compatible API (/api/v1)')
    .description(
      `Keys for pv serve's CompreFace-compatible API, each bound to one service (${SERVICE_TYPES.join(', ')}); a recognition ` +
        `key has its own face collection. Stored hashed in ${displayPath(store().file)} (set PV_HOME to move it).`,
    );
  withExamples(group, 'pv keys create recognition --name frigate', 'pv keys list', 'pv keys revoke 3f1c2a9e');

  const create = group
    .command('create')
    .description('Make a new key (a UUID, shown this once only) for a service.')
    .addArgument(new Argument('<service>', 'the service the key is for').choices(SERVICE_TYPES))
    .option('--name <name>', 'a note on who uses the key');
  withJson(create);
  withExamples(create, 'pv keys create recognition --name double-take');
  create.action((service: ServiceType, options: OutputOptions & { name?: string }) =>
    run(options, async (output) => {
      const { key, info } = store().create(service, options.name ?? service);
      output.result({ key, ...shown(info) });
      output.line(`${info.service} key ${output.colour.bold(key)} (id ${info.id})`);
      output.note('Keep the key now: pv stores only its SHA-256 digest and cannot show it again.');
      return ExitCode.ok;
    }),
  );

  const list = group.command('list').description('Every key: id, name, service, creation date (never the key).');
  withJson(list);
  list.action((options: OutputOptions) => run(options, async (output) => listKeys(store(), output)));

  const revoke = group.command('revoke').description('Remove a key by its id (or 8+ leading characters of it).').argument('<id>', 'the key id');
  withJson(revoke);
  revoke.action((id: string, options: OutputOptions) =>
    run(options, async (output) => {
      const info = store().revoke(id);
      output.result({ revoked: shown(info) });
      output.line(`revoked ${info.service} key ${info.id} (${info.name})`);
      return ExitCode.ok;
    }),
  );

  const seed = group
    .command('seed-demo')
    .description("Add CompreFace's three well-known demo keys (00000000-0000-0000-0000-00000000000{2,3,4}); anyone may know them, so only for local demos.");
  withJson(seed);
  seed.action((options: OutputOptions) =>
    run(options, async (output) => {
      const added = store().seedDemo();
      output.result({ added: added.map(({ key, info }) => ({ key, ...shown(info) })) });
      for (const { key, info } of added) output.line(`${info.service} demo key ${key}`);
      if (added.length === 0) output.line('the demo keys are there already');
      return ExitCode.ok;
    }),
  );
}

function listKeys(store: CompreFaceKeyStore, output: Output): ExitStatus {
  const keys = store.list().map(shown);
  output.result({ keys });
  if (keys.length === 0) output.line('no keys (make one with: pv keys create recognition)');
  for (const key of keys) output.line(`${key.id}  ${key.service.padEnd(12)} ${key.createdAt}  ${key.name}`);
  return ExitCode.ok;
}
