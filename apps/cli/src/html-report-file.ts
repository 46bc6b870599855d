import { writeFile } from 'node:fs/promises';
import type { Box } from '@pv/core';
import { renderHtmlReport, worstErrors, type EvaluationReport, type HtmlReportInput } from '@pv/eval';
import sharp from 'sharp';
import { faceThumbnail } from './contact-sheet.js';

/**
 * Writes `renderHtmlReport(input)` to `target`, with thumbnails of the photos of the worst errors: the
 * face (with context) where `boxes` knows its box, else the whole photo.
 */
export async function writeHtmlReport(target: string, input: Omit<HtmlReportInput, 'thumbnails'>, boxes: ReadonlyMap<string, Box> = new Map()): Promise<void> {
  const worst = worstErrors(input.pairs, input.threshold, input.metric.closer, input.worst ?? 8);
  const files = new Set([...worst.falseAccepts, ...worst.falseRejects].flatMap((p) => [p.a, p.b]));
  const thumbnails = new Map<string, string>();
  for (const file of files) {
    const box = boxes.get(file);
    try {
      thumbnails.set(file, box ? await faceThumbnail({ file, box }) : await photoThumbnail(file));
    } catch {
      // A photo that cannot be read again is shown by name only.
    }
  }
  await writeFile(target, renderHtmlReport({ ...input, thumbnails }));
}

async function photoThumbnail(file: string, size = 96): Promise<string> {
  const jpeg = await sharp(file).rotate().resize(size, size, { fit: 'cover' }).jpeg({ quality: 80 }).toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/**
 * Writes the HTML report of a `pv eval` run: `report.scores` are in the order of `pairs`, whose photos
 * `fileOf` names; the threshold marked is the fixed one when given, else the best one.
 */
export async function writeEvaluationReport(
  target: string,
  title: string,
  report: EvaluationReport,
  pairs: readonly { readonly a: string; readonly b: string }[],
  fileOf: (image: string) => string,
): Promise<void> {
  const threshold = report.fixedThreshold?.threshold ?? report.bestThreshold.threshold;
  await writeHtmlReport(target, {
    title,
    facts: [
      ['pairs', `${report.pairs.total} (${report.pairs.same} same, ${report.pairs.different} different)`],
      ['cross-validated accuracy', `${(100 * report.crossValidation.accuracyMean).toFixed(2)}%`],
      ['AUC', report.auc.toFixed(4)],
      ['EER', `${(100 * report.eer).toFixed(2)}%`],
      ['threshold marked', `${threshold} (${report.fixedThreshold ? 'fixed' : 'best on all pairs'})`],
    ],
    metric: report.metric,
    threshold,
    curve: report.roc,
    pairs: report.scores.map((s, i) => ({ score: s.score, same: s.same, a: fileOf(pairs[i]!.a), b: fileOf(pairs[i]!.b) })),
  });
}
