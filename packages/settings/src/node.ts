import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import { resolveSettings, type ResolvedSettings, type SettingsFile, type SettingsInput } from './resolve.js';

/**
 * pv's data folder: `$PV_HOME`, else `$XDG_DATA_HOME/pv`, else `~/.local/share/pv`. The default store lives
 * here, so `pv enroll` and `pv serve` see the same people.
 */
export function dataDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env['PV_HOME']) return path.resolve(env['PV_HOME']);
  const base = env['XDG_DATA_HOME'] || path.join(homedir(), '.local', 'share');
  return path.join(base, 'pv');
}

/** The store used when nothing names one: `file:<data folder>/faces.pv`. */
export function defaultStoreUri(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return `file:${path.join(dataDirectory(env), 'faces.pv')}`;
}

/** The config file: `$PV_CONFIG`, else `$XDG_CONFIG_HOME/pv/config.json`, else `~/.config/pv/config.json`. */
export function configPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env['PV_CONFIG']) return path.resolve(env['PV_CONFIG']);
  const base = env['XDG_CONFIG_HOME'] || path.join(homedir(), '.config');
  return path.join(base, 'pv', 'config.json');
}

/** Reads the config file; a missing file is an empty config, a malformed one `E_INVALID_ARGUMENT` naming it. */
export function readConfigFile(file: string = configPath()): SettingsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw new InvalidArgumentError(`Cannot read the config file ${file}: ${(error as Error).message}`, { file });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`The config file ${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`The config file ${file} must hold a JSON object`, { file });
  }
  return parsed as SettingsFile;
}

/**
 * {@link resolveSettings} with this process's sources: the given flags, `process.env`, the config file
 * ({@link configPath}) and the default store in the data folder. Register imported models before calling
 * (`loadLocalModels` from `@pv/model-fetch`).
 */
export function loadSettings(flags: SettingsInput = {}, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedSettings {
  const file = configPath(env);
  return resolveSettings({ flags, env, config: readConfigFile(file), configName: file, defaultStore: defaultStoreUri(env) });
}
