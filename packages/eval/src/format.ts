import type { EvaluationReport } from './evaluate.js';
import type { TarAtFar } from './roc.js';

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /** `markdown` (tables, for BENCHMARKS.md and READMEs) or `text` (aligned columns, for a terminal). Default `markdown`. */
  readonly format?: 'markdown' | 'text';
}

/**
 * A report as a summary table and a per-fold table, in Markdown or plain text. Percentages carry two
 * decimals, thresholds four; the cross-validation spread is the population standard deviation over folds.
 */
export function formatReport(report: EvaluationReport, options: FormatReportOptions = {}): string {
  const table = options.format === 'text' ? textTable : markdownTable;
  const cv = report.crossValidation;
  const direction = report.metric.closer === 'lower' ? 'accept score ≤ threshold' : 'accept score ≥ threshold';
  const summary: string[][] = [
    ['pairs', `${report.pairs.total} (${report.pairs.same} same, ${report.pairs.different} different)`],
    [
      'images',
      `${report.images.total} distinct, ${report.images.detected} with a face found, ${report.images.failedToDetect.length} without`,
    ],
    ...(report.images.failedToDetect.length > 0 ? [['no face found in', listSome(report.images.failedToDetect, 5)]] : []),
    ['no-face policy', `${report.fallback.policy}: ${report.fallback.description} (${report.fallback.pairsAffected} pairs affected)`],
    [`${cv.folds.length}-fold accuracy`, `${percent(cv.accuracyMean)} ± ${percent(cv.accuracyStd)}`],
    [
      'best threshold, all pairs',
      `${threshold(report.bestThreshold.threshold)} (${report.metric.id}, ${direction}): ${percent(report.bestThreshold.accuracy)}`,
    ],
    ...(report.fixedThreshold
      ? [
          [
            `fixed threshold ${threshold(report.fixedThreshold.threshold)}${report.fixedThreshold.source !== undefined ? ` (${report.fixedThreshold.source})` : ''}`,
            `${percent(report.fixedThreshold.accuracy)} (TAR ${percent(report.fixedThreshold.tar)}, FAR ${rate(report.fixedThreshold.far)})`,
          ],
        ]
      : []),
    ['ROC AUC', report.auc.toFixed(4)],
    ['EER', percent(report.eer)],
    ...report.tarAtFar.map((t) => [`TAR @ FAR ≤ ${rate(t.targetFar)}`, describeTarAtFar(t)]),
    [
      'embedding',
      `${report.images.total} images in ${(report.timing.embedMs / 1000).toFixed(1)} s (${report.timing.imagesPerSecond.toFixed(1)} images/s)`,
    ],
  ];
  const folds = cv.folds.map((f) => [
    String(f.fold + 1),
    String(f.pairs),
    threshold(f.threshold),
    percent(f.trainAccuracy),
    percent(f.accuracy),
  ]);
  return [
    table(['measure', 'value'], summary),
    '',
    table(['fold', 'pairs', 'threshold (other folds)', 'accuracy (other folds)', 'accuracy (this fold)'], folds),
    '',
  ].join('\n');
}

function describeTarAtFar(t: TarAtFar): string {
  const at = `${percent(t.tar)} at FAR ${rate(t.far)}`;
  if (!t.belowResolution) return at;
  return `${at}: below resolution (${t.negatives} different-person pairs; the smallest non-zero FAR is ${rate(1 / t.negatives)})`;
}

function listSome(items: readonly string[], shown: number): string {
  const more = items.length - shown;
  return items.slice(0, shown).join(', ') + (more > 0 ? `, and ${more} more` : '');
}

function percent(x: number): string {
  return `${(x * 100).toFixed(2)}%`;
}

function rate(x: number): string {
  return x === 0 || x >= 0.01 ? percent(x) : x.toExponential(1);
}

function threshold(x: number): string {
  return x.toFixed(4);
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, column) => c.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
