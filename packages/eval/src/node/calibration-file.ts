import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from '@pv/core';
import { calibrationPath, configDirectory } from '@pv/settings/node';
import type { Calibration, FarThreshold } from '../calibrate.js';

/**
 * pv's configuration folder: `$PV_CONFIG_DIR`, else `$XDG_CONFIG_HOME/pv`, else `~/.config/pv`.
 */
export function pvConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return configDirectory(env, home);
}

/** Where `pv calibrate` saves thresholds: `calibration.json` in {@link pvConfigDir} (the path `@pv/settings` reads). */
export function calibrationFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return calibrationPath(env);
}

/** One calibrated threshold, as saved. */
export interface SavedCalibration {
  /** The decision threshold to use: the one at {@link SavedCalibration.far}. */
  readonly threshold: number;
  /** The target FAR it was picked for. */
  readonly far: number;
  readonly farThresholds: readonly FarThreshold[];
  readonly samples: number;
  readonly identities: number;
  readonly genuinePairs: number;
  readonly impostorPairs: number;
  /** The folders the photos came from. */
  readonly sources: readonly string[];
  /** ISO time. */
  readonly calibratedAt: string;
}

/**
 * The settings file's content (version 1): per model id, per metric id, the user's calibration.
 * `{ "version": 1, "models": { "mobilefacenet": { "cosine": { "threshold": 0.62, "far": 0.001, … } } } }`
 */
export interface CalibrationFile {
  readonly version: 1;
  readonly models: Readonly<Record<string, Readonly<Record<string, SavedCalibration>>>>;
}

/** Reads the calibration file (an empty one when absent); `E_INVALID_ARGUMENT` when it is not a version-1 file. */
export async function loadCalibrationFile(file: string = calibrationFilePath()): Promise<CalibrationFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, models: {} };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${file} is not JSON: ${(error as Error).message}`, { file });
  }
  const o = parsed as Partial<CalibrationFile> | null;
  if (o === null || typeof o !== 'object' || o.version !== 1 || typeof o.models !== 'object' || o.models === null) {
    throw new InvalidArgumentError(`${file} is not a version 1 pv calibration file`, { file });
  }
  return o as CalibrationFile;
}

/**
 * Picks the threshold at `far` from `calibration` and saves it for `model` and the calibration's metric,
 * keeping the file's other entries (written to a temporary file, then renamed). Returns what was saved.
 * `E_INVALID_ARGUMENT` when `far` is not one of the calibrated targets or no pair could be accepted at it.
 */
export async function saveCalibration(
  model: string,
  calibration: Calibration,
  far: number,
  sources: readonly string[],
  file: string = calibrationFilePath(),
): Promise<SavedCalibration> {
  const picked = calibration.thresholds.find((t) => t.far === far);
  if (picked?.threshold === null || picked === undefined) {
    throw new InvalidArgumentError(`No threshold at FAR ${far} (calibrated: ${calibration.thresholds.map((t) => t.far).join(', ')})`, { far });
  }
  const saved: SavedCalibration = {
    threshold: picked.threshold,
    far,
    farThresholds: calibration.thresholds,
    samples: calibration.samples,
    identities: calibration.identities,
    genuinePairs: calibration.genuinePairs,
    impostorPairs: calibration.impostorPairs,
    sources,
    calibratedAt: new Date().toISOString(),
  };
  const current = await loadCalibrationFile(file);
  const next: CalibrationFile = {
    version: 1,
    models: { ...current.models, [model]: { ...current.models[model], [calibration.metric]: saved } },
  };
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`);
  await rename(temporary, file);
  return saved;
}
