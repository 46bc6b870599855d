import { stat } from 'node:fs/promises';
import path from 'node:path';
import { errorToData, livenessRejection, UNKNOWN_LABEL, type AnalysisKind, type Box, type ErrorData, type FaceAnalysis, type FileFailure } from '@pv/core';
import { scanImageFiles } from '@pv/embedder-onnx-node';
import type { ResolvedSettings } from '@pv/settings';
import { displayPath, plural } from '../display.js';
import { failureReason } from '../face-files.js';
import { catchInterrupt } from '../interrupt.js';
import { ExitCode, formatDistance, type ExitStatus, type Output } from '../output.js';
import { revealedSubjects } from '@pv/privacy';
import { commandAudit } from '../command-audit.js';
import { analysesNeeded, galleryOf, openEncoder, openSettingsStore } from '../pipeline.js';
import { createProgress } from '../progress.js';

/** How `pv identify` prints one line per face of a batch. */
export type FaceLineFormat = 'table' | 'csv' | 'jsonl';

/** One face of a batch, as printed and as `--json` reports it. */
export interface IdentifiedFace {
  readonly file: string;
  /** 1-based, in the detector's order. */
  readonly face: number;
  readonly box: Box;
  readonly score: number;
  readonly prediction: string;
  /** Distance to the nearest enrolled person, `null` when the store is empty. */
  readonly distance: number | null;
  readonly candidates: readonly { readonly label: string; readonly distance: number }[];
  /** The analyses asked for with `--analyses` (and `liveness` under `--require-live`). */
  readonly analysis?: FaceAnalysis;
  /** Set when `--require-live` refused the face (`E_FACE_REJECTED`, the reason and the measured score); it was not identified. */
  readonly rejected?: ErrorData;
}

/** Totals of a batch. */
export interface IdentifySummary {
  readonly files: number;
  readonly faces: number;
  readonly known: number;
  readonly unknown: number;
  /** Faces refused by `--require-live` (counted in `faces`, not in `known` or `unknown`). */
  readonly rejected: number;
  readonly noFace: number;
  readonly failed: number;
  readonly interrupted: boolean;
}

/** The image files of files and folders given on the command line (folders: their images and those of their subfolders). */
export async function imageFilesOf(inputs: readonly string[]): Promise<{ files: string[]; failures: FileFailure[] }> {
  const files: string[] = [];
  const failures: FileFailure[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isDirectory()) {
      const scan = await scanImageFiles(input);
      files.push(...scan.files.map((f) => f.path));
      for (const s of scan.skipped) {
        if (s.reason !== 'hidden' && s.reason !== 'not-an-image') failures.push({ file: s.path, code: 'E_BAD_IMAGE', message: `${s.reason}: ${s.detail}` });
      }
    } else files.push(path.resolve(input));
  }
  return { files, failures };
}

const CSV_HEADER = 'file,face,prediction,distance,x,y,width,height,score';

function csvField(value: string): string {
  return /[",\n\r]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value;
}

function faceLine(face: IdentifiedFace, format: FaceLineFormat, output: Output): string {
  const { box } = face;
  if (format === 'jsonl') return JSON.stringify(face);
  const distance = face.distance === null ? '' : formatDistance(face.distance);
  if (face.rejected && format === 'table') return `${displayPath(face.file)}  face ${face.face}  ${output.colour.red('rejected'.padEnd(24))} ${face.rejected.message}`;
  if (format === 'csv') {
    return [csvField(face.file), face.face, csvField(face.rejected ? 'rejected' : face.prediction), distance, ...[box.x, box.y, box.width, box.height].map((v) => v.toFixed(1)), face.score.toFixed(3)].join(',');
  }
  const name = face.prediction === UNKNOWN_LABEL ? output.colour.yellow(face.prediction) : output.colour.green(face.prediction);
  return `${displayPath(face.file)}  face ${face.face}  ${name.padEnd(24)} ${distance}`;
}

/**
 * Identifies every face of many photos: the files are encoded by the settings' encoder (`jobs` worker
 * threads), every face is matched by the gallery, one line per face is printed as it comes.
 */
export async function identifyBatch(
  settings: ResolvedSettings,
  inputs: readonly string[],
  options: {
    readonly k: number;
    readonly jobs: number;
    readonly format: FaceLineFormat;
    /** Analyses to report per face (`--analyses`). */
    readonly analyses?: readonly AnalysisKind[];
    /** Refuse faces the liveness check does not call live, per face: reported as rejected, the batch goes on. */
    readonly requireLive?: boolean;
    /** Called with every file's faces once they are identified (`pv annotate` draws them). */
    readonly onFile?: (file: string, faces: readonly IdentifiedFace[]) => Promise<void>;
  },
  output: Output,
): Promise<ExitStatus> {
  const { files, failures } = await imageFilesOf(inputs);
  const store = await openSettingsStore(settings, { readOnly: true });
  const faces: IdentifiedFace[] = [];
  let noFace = 0;
  let interrupted = false;
  try {
    const gallery = galleryOf(settings, store);
    await gallery.checkModel();
    const analyses = analysesNeeded(options);
    const encoder = await openEncoder(settings, { jobs: options.jobs, facePolicy: 'all', analyses });
    const progress = createProgress(!output.json, (line) => output.line(line));
    const interruption = catchInterrupt((text) => progress.note(output.colour.yellow(text)));
    try {
      if (options.format === 'csv') output.line(CSV_HEADER);
      progress.start(files.length, 'identify');
      let done = 0;
      for await (const result of encoder.encodeMany(files, { signal: interruption.signal, ...(analyses.length > 0 ? { analyses } : {}) })) {
        progress.update(++done, result.name);
        if (!result.ok) {
          if (result.failure.code === 'E_NO_FACE') noFace++;
          else failures.push(result.failure);
          continue;
        }
        if (result.faces.length === 0) noFace++;
        const fileFaces: IdentifiedFace[] = [];
        for (const [i, encoded] of result.faces.entries()) {
          const rejection = options.requireLive ? livenessRejection(encoded.analysis, result.name) : undefined;
          const match = rejection ? { prediction: UNKNOWN_LABEL, candidates: [] } : await gallery.identify(encoded.embedding, { k: options.k });
          const face: IdentifiedFace = {
            file: result.name,
            face: i + 1,
            box: encoded.detection.box,
            score: encoded.detection.score,
            prediction: match.prediction,
            distance: match.candidates[0]?.distance ?? null,
            candidates: match.candidates,
            ...(encoded.analysis ? { analysis: encoded.analysis } : {}),
            ...(rejection ? { rejected: errorToData(rejection) } : {}),
          };
          faces.push(face);
          fileFaces.push(face);
          progress.log(faceLine(face, options.format, output));
        }
        await options.onFile?.(result.name, fileFaces);
      }
      interrupted = interruption.signal.aborted;
    } finally {
      progress.stop();
      interruption.dispose();
      await encoder.close();
    }
  } finally {
    await store.close();
  }
  const audit = await commandAudit(settings.store);
  const subjects = revealedSubjects(faces.flatMap((f) => f.candidates.map((c) => c.label)));
  await audit?.record({ action: 'search', subjects, count: faces.length, detail: `identify ${files.length} files` });
  const known = faces.filter((f) => f.prediction !== UNKNOWN_LABEL).length;
  const rejected = faces.filter((f) => f.rejected).length;
  const unknown = faces.length - known - rejected;
  const summary: IdentifySummary = { files: files.length, faces: faces.length, known, unknown, rejected, noFace, failed: failures.length, interrupted };
  output.result({ threshold: settings.threshold, metric: settings.metric.id, model: settings.model.id, summary, faces, failures });
  const say = (text: string): void => (options.format === 'table' ? output.line(text) : output.note(text));
  for (const f of failures) say(output.colour.red(`failed ${displayPath(f.file)}: ${failureReason(f.code)} (${f.code} ${f.message})`));
  say(
    output.colour.dim(
      `${plural(files.length, 'file')}: ${plural(faces.length, 'face')} (${known} known, ${unknown} unknown${options.requireLive ? `, ${rejected} rejected as not live` : ''}), ${noFace} without a face, ${failures.length} failed` +
        ` (threshold ${formatDistance(settings.threshold)}, ${settings.metric.id})${interrupted ? '; interrupted' : ''}`,
    ),
  );
  if (interrupted) return ExitCode.interrupted;
  return known > 0 && failures.length === 0 ? ExitCode.ok : ExitCode.negative;
}
