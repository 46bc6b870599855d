import path from 'node:path';
import { InvalidArgumentError, type Box, type LabelledEmbedding } from '@pv/core';
import { calibrate, DEFAULT_TARGET_FARS } from '@pv/eval';
import { calibrationFilePath, saveCalibration } from '@pv/eval/node';
import { InvalidOptionArgumentError, Option, type Command } from 'commander';
import type { CommandRunner } from '../cli.js';
import { withExamples, withJson, withPipeline, type PipelineOptions } from '../cli-options.js';
import { displayPath, plural } from '../display.js';
import { writeHtmlReport } from '../html-report-file.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { openRecognizer, settingsOf } from '../pipeline.js';

/** Options of `pv calibrate`. */
export interface CalibrateOptions extends PipelineOptions {
  readonly far: number;
  readonly report?: string;
  readonly save: boolean;
}

const FAR_CHOICES = DEFAULT_TARGET_FARS.map((f) => f.toExponential());

/** Parses `--far` (1e-2, 0.001, …) as one of the calibrated target rates. */
function parseFar(value: string): number {
  const far = Number(value);
  if (!DEFAULT_TARGET_FARS.includes(far)) throw new InvalidOptionArgumentError(`Expected one of ${FAR_CHOICES.join(', ')}.`);
  return far;
}

/** Registers `pv calibrate`. */
export function registerCalibrate(program: Command, run: CommandRunner): void {
  const command = program
    .command('calibrate')
    .summary('thresholds at target false-accept rates from your own labelled photos')
    .description(
      'Embeds every photo of labelled folders (one subfolder per person), scores every pair of faces and picks the ' +
        'threshold that keeps the false-accept rate at --far on the cross-identity pairs. Saves it for the model and ' +
        `metric in ${displayPath(calibrationFilePath())} (PV_CONFIG_DIR or XDG_CONFIG_HOME move it), where the CLI and ` +
        'server settings read it; optionally writes an HTML report.',
    )
    .argument('<dir...>', 'labelled folders: <dir>/<person>/<photo>')
    .addOption(new Option('--far <rate>', `target false-accept rate of the saved threshold: ${FAR_CHOICES.join(', ')}`).default(1e-3).argParser(parseFar))
    .option('--report <file.html>', 'write an HTML report: ROC curve, score histograms, worst false accepts and rejects')
    .option('--no-save', 'only print (and report) the thresholds');
  withPipeline(command);
  withJson(command);
  withExamples(command, 'pv calibrate staff-photos/', 'pv calibrate staff/ visitors/ --far 1e-4 --report calibration.html');
  command.action((dirs: string[], options: CalibrateOptions) => run(options, (output) => calibrateFolders(dirs, options, output)));
}

async function calibrateFolders(dirs: readonly string[], options: CalibrateOptions, output: Output): Promise<ExitStatus> {
  const recognizer = await openRecognizer(await settingsOf(options), { facePolicy: 'largest' });
  const samples: LabelledEmbedding[] = [];
  const boxes = new Map<string, Box>();
  let failed = 0;
  try {
    for (const dir of dirs) {
      const result = await recognizer.generateEmbeddings({ directory: dir, layout: 'subfolders' });
      failed += result.failures.length;
      for (const f of result.failures) output.note(`${displayPath(f.file)}: ${f.message}`);
      // Folders are separate sets of people: the folder joins the label so two folders' "alice" stay apart.
      for (const e of result.embeddings) {
        samples.push({ ...e, label: `${path.resolve(dir)}/${e.label}` });
        if (e.file && e.detection) boxes.set(e.file, e.detection.box);
      }
    }
  } finally {
    await recognizer.close();
  }
  if (samples.length === 0) throw new InvalidArgumentError(`No faces found in ${dirs.join(', ')}`, { dirs });
  const c = calibrate(samples, recognizer.metric);
  const chosen = c.thresholds.find((t) => t.far === options.far);
  const saved = options.save ? await saveCalibration(recognizer.encoder.info.model.id, c, options.far, dirs.map((d) => path.resolve(d))) : undefined;
  if (options.report) {
    await writeHtmlReport(
      options.report,
      {
        title: `Calibration of ${recognizer.encoder.info.model.id} (${c.metric})`,
        facts: [
          ['photos with a face', `${c.samples} of ${c.identities} people (${failed} files failed)`],
          ['pairs', `${c.genuinePairs} same-person, ${c.impostorPairs} cross-identity`],
          ['AUC', c.auc.toFixed(4)],
          ['threshold marked', `${chosen?.threshold ?? '—'} (FAR ${options.far})`],
        ],
        metric: recognizer.metric,
        threshold: chosen?.threshold ?? recognizer.threshold,
        curve: c.curve,
        pairs: c.pairs.map((p) => ({ score: p.score, same: p.same, a: samples[p.a]!.file ?? `#${p.a}`, b: samples[p.b]!.file ?? `#${p.b}` })),
        farThresholds: c.thresholds,
      },
      boxes,
    );
  }
  output.result({
    model: recognizer.encoder.info.model.id,
    metric: c.metric,
    samples: c.samples,
    identities: c.identities,
    genuinePairs: c.genuinePairs,
    impostorPairs: c.impostorPairs,
    auc: c.auc,
    thresholds: c.thresholds,
    saved: saved ? { file: calibrationFilePath(), ...saved } : null,
    report: options.report ?? null,
  });
  output.line(
    `Calibrated ${recognizer.encoder.info.model.id} (${c.metric}) on ${plural(c.samples, 'face')} of ${plural(c.identities, 'person', 'people')}: ` +
      `${c.genuinePairs} same-person and ${c.impostorPairs} cross-identity pairs, AUC ${c.auc.toFixed(4)}`,
  );
  for (const t of c.thresholds) {
    const note = t.belowResolution ? output.colour.yellow(' (fewer pairs than 1/FAR: below resolution)') : '';
    output.line(`  FAR ${String(t.far).padEnd(7)} threshold ${t.threshold === null ? '—' : formatDistance(t.threshold)}  TAR ${(100 * t.tar).toFixed(2)}%${note}`);
  }
  if (saved) output.line(`Saved threshold ${formatDistance(saved.threshold)} (FAR ${saved.far}) to ${displayPath(calibrationFilePath())}`);
  if (options.report) output.line(`Report: ${displayPath(options.report)}`);
  return chosen?.threshold === null || chosen === undefined ? ExitCode.negative : ExitCode.ok;
}
