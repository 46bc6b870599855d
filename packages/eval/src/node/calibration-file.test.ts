import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metric } from '@pv/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calibrate } from '../calibrate.js';
import { calibrationFilePath, loadCalibrationFile, pvConfigDir, saveCalibration } from './calibration-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pv-calibration-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line: Metric = { id: 'line', closer: 'lower', distance: (a, b) => Math.abs(a[0]! - b[0]!), distances: () => undefined };
const unit = (x: number) => Float32Array.of(x);
const samples = [
  { label: 'a', embedding: unit(0) },
  { label: 'a', embedding: unit(10) },
  { label: 'b', embedding: unit(90) },
  { label: 'b', embedding: unit(100) },
  { label: 'c', embedding: unit(200) },
];

describe('calibration settings file', () => {
  it('lives in PV_CONFIG_DIR, else XDG_CONFIG_HOME/pv, else ~/.config/pv', () => {
    expect(pvConfigDir({ PV_CONFIG_DIR: '/x' }, '/home/u')).toBe('/x');
    expect(pvConfigDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/u')).toBe('/cfg/pv');
    expect(pvConfigDir({}, '/home/u')).toBe('/home/u/.config/pv');
    expect(calibrationFilePath({ PV_CONFIG_DIR: '/x' })).toBe('/x/calibration.json');
  });

  it('saves the threshold at the chosen FAR per model and metric, keeping other entries', async () => {
    const file = path.join(dir, 'sub', 'calibration.json');
    expect(await loadCalibrationFile(file)).toEqual({ version: 1, models: {} });
    const c = calibrate(samples, line, [0.2, 0.1]);
    const saved = await saveCalibration('mobilefacenet', c, 0.1, ['photos/'], file);
    expect(saved.threshold).toBe(c.thresholds[1]!.threshold);
    await saveCalibration('dlib-resnet', c, 0.2, ['photos/'], file);
    const back = await loadCalibrationFile(file);
    expect(Object.keys(back.models)).toEqual(['mobilefacenet', 'dlib-resnet']);
    expect(back.models.mobilefacenet!.line!.far).toBe(0.1);
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe(1);
    await expect(saveCalibration('m', c, 0.5, [], file)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });

  it('refuses a file that is not a version-1 calibration', async () => {
    const file = path.join(dir, 'calibration.json');
    await writeFile(file, '{"version":2}');
    await expect(loadCalibrationFile(file)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await writeFile(file, 'nope');
    await expect(loadCalibrationFile(file)).rejects.toThrow(/not JSON/);
  });
});
