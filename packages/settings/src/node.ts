import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import { resolveAuditSettings, type AuditSettings, type AuditSettingsInput } from './audit.js';
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

/** pv's config folder: `$PV_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pv`, else `~/.config/pv`. */
export function configDirectory(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  if (env['PV_CONFIG_DIR']) return path.resolve(env['PV_CONFIG_DIR']);
  if (env['XDG_CONFIG_HOME']) return path.resolve(env['XDG_CONFIG_HOME'], 'pv');
  return path.join(home, '.config', 'pv');
}

/** The config file: `$PV_CONFIG`, else `config.json` in the {@link configDirectory}. */
export function configPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env['PV_CONFIG']) return path.resolve(env['PV_CONFIG']);
  return path.join(configDirectory(env), 'config.json');
}

/** Where `pv calibrate` saves thresholds measured on the user's photos: `calibration.json` in the {@link configDirectory}. */
export function calibrationPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return path.join(configDirectory(env), 'calibration.json');
}

/**
 * The thresholds saved by `pv calibrate` (`calibration.json`: `{ version: 1, models: { <model>: { <metric>:
 * { threshold, … } } } }`), as `{ <model>: { <metric>: threshold } }`. A missing file is none; a malformed
 * one is `E_INVALID_ARGUMENT` naming it.
 */
export function readCalibratedThresholds(file: string = calibrationPath()): Record<string, Record<string, number>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return {};
    throw new InvalidArgumentError(`Cannot read the calibration file ${file}: ${(error as Error).message}`, { file });
  }
  let parsed: { version?: unknown; models?: Record<string, Record<string, { threshold?: unknown }>> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch (error) {
    throw new InvalidArgumentError(`The calibration file ${file} is not valid JSON: ${(error as Error).message}`, { file });
  }
  if (parsed?.version !== 1 || typeof parsed.models !== 'object' || parsed.models === null) {
    throw new InvalidArgumentError(`${file} is not a version 1 pv calibration file`, { file });
  }
  const thresholds: Record<string, Record<string, number>> = {};
  for (const [model, metrics] of Object.entries(parsed.models)) {
    for (const [metric, saved] of Object.entries(metrics ?? {})) {
      if (typeof saved?.threshold === 'number') (thresholds[model] ??= {})[metric] = saved.threshold;
    }
  }
  return thresholds;
}

/** Thresholds the user calibrated (`calibration.json`), overridden per model and metric by the config file's `thresholds`. */
export function savedThresholds(
  config: SettingsFile,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, Record<string, number>> {
  const merged = readCalibratedThresholds(calibrationPath(env));
  for (const [model, metrics] of Object.entries(config.thresholds ?? {})) merged[model] = { ...merged[model], ...metrics };
  return merged;
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
 * ({@link configPath}), the thresholds saved by `pv calibrate` ({@link calibrationPath}) and the default
 * store in the data folder. Register imported models before calling
 * (`loadLocalModels` from `@pv/model-fetch`).
 */
export function loadSettings(flags: SettingsInput = {}, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedSettings {
  const file = configPath(env);
  const config = readConfigFile(file);
  return resolveSettings({
    flags,
    env,
    config: { ...config, thresholds: savedThresholds(config, env) },
    configName: file,
    defaultStore: defaultStoreUri(env),
  });
}

/**
 * {@link resolveAuditSettings} with this process's sources: the given flags, `process.env` (`PV_AUDIT`,
 * `PV_AUDIT_TRAIL`) and the config file's `audit` and `auditTrail`. A relative trail path is resolved
 * against the working directory.
 */
export function loadAuditSettings(flags: AuditSettingsInput = {}, env: Readonly<Record<string, string | undefined>> = process.env): AuditSettings {
  const file = configPath(env);
  const config = readConfigFile(file);
  const settings = resolveAuditSettings({ flags, env, config, configName: file });
  return settings.trail === undefined ? settings : { ...settings, trail: path.resolve(settings.trail) };
}
