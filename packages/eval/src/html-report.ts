import type { FarThreshold } from './calibrate.js';
import type { RocCurve } from './roc.js';
import { orientedSimilarity, type Closer } from './scored-pair.js';

/** A scored pair with the photos it came from. */
export interface ReportPair {
  readonly score: number;
  readonly same: boolean;
  /** The two photos (file paths or names), shown under the thumbnails. */
  readonly a: string;
  readonly b: string;
}

/** What {@link renderHtmlReport} draws. */
export interface HtmlReportInput {
  readonly title: string;
  /** Lines of key facts shown as a table (name, value). */
  readonly facts: readonly (readonly [string, string])[];
  readonly metric: { readonly id: string; readonly closer: Closer };
  /** The decision threshold marked on the histograms and used to find the errors. */
  readonly threshold: number;
  readonly curve: RocCurve;
  /** Every finite-scored pair (pairs without a face are left out of the histograms). */
  readonly pairs: readonly ReportPair[];
  /** Thresholds at target FARs, listed in a table and marked on the ROC curve. */
  readonly farThresholds?: readonly FarThreshold[];
  /** How many worst false accepts and rejects to show (default 8). */
  readonly worst?: number;
  /** Thumbnails (data URLs) by photo name; photos without one show their name only. */
  readonly thumbnails?: ReadonlyMap<string, string>;
}

/** The worst errors at a threshold. */
export interface WorstErrors {
  /** Different-person pairs accepted, most similar first. */
  readonly falseAccepts: readonly ReportPair[];
  /** Same-person pairs rejected, least similar first. */
  readonly falseRejects: readonly ReportPair[];
}

/** The `n` most confident mistakes of `pairs` at `threshold` (inclusive acceptance, as `withinThreshold`). */
export function worstErrors(pairs: readonly ReportPair[], threshold: number, closer: Closer, n: number): WorstErrors {
  const t = orientedSimilarity(threshold, closer);
  const sim = (p: ReportPair): number => orientedSimilarity(p.score, closer);
  const finite = pairs.filter((p) => Number.isFinite(p.score));
  return {
    falseAccepts: finite.filter((p) => !p.same && sim(p) >= t).sort((x, y) => sim(y) - sim(x)).slice(0, n),
    falseRejects: finite.filter((p) => p.same && sim(p) < t).sort((x, y) => sim(x) - sim(y)).slice(0, n),
  };
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const fmt = (v: number, digits = 4): string => (Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : String(v));

/**
 * A self-contained HTML page (inline SVG and CSS, no scripts, no network): the facts, the ROC curve on a
 * logarithmic FAR axis with the FAR-targeted thresholds marked, the same-person and different-person score
 * histograms with the decision threshold marked, and the worst false accepts and rejects as thumbnails.
 * Pure: the caller makes thumbnails and writes the file.
 */
export function renderHtmlReport(input: HtmlReportInput): string {
  const worst = worstErrors(input.pairs, input.threshold, input.metric.closer, input.worst ?? 8);
  const farRows = (input.farThresholds ?? [])
    .map(
      (f) =>
        `<tr><td>${f.far}</td><td>${f.threshold === null ? '—' : fmt(f.threshold)}</td><td>${fmt(f.achievedFar, 3)}</td><td>${(100 * f.tar).toFixed(2)}%</td><td>${f.belowResolution ? 'below resolution' : ''}</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.pairs{display:flex;flex-wrap:wrap;gap:12px}
.pair{border:1px solid #ddd;padding:6px;font-size:11px;width:210px}
.pair img{width:96px;height:96px;object-fit:cover;margin-right:4px}
.pair .name{overflow-wrap:anywhere}
svg text{font-size:11px;fill:#333}
</style></head><body>
<h1>${escapeHtml(input.title)}</h1>
<table>${input.facts.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
${farRows ? `<h2>Thresholds at target false-accept rates</h2><table><tr><th>target FAR</th><th>threshold (${escapeHtml(input.metric.id)})</th><th>FAR reached</th><th>TAR</th><th></th></tr>${farRows}</table>` : ''}
<div class="charts">
<section><h2>ROC curve</h2>${rocSvg(input.curve, input.farThresholds ?? [])}</section>
<section><h2>Score histograms (threshold ${fmt(input.threshold)})</h2>${histogramSvg(input.pairs, input.threshold, input.metric)}</section>
</div>
<h2>Worst false accepts (different people accepted): ${worst.falseAccepts.length}</h2>
${pairList(worst.falseAccepts, input.thumbnails)}
<h2>Worst false rejects (same person rejected): ${worst.falseRejects.length}</h2>
${pairList(worst.falseRejects, input.thumbnails)}
</body></html>
`;
}

function pairList(pairs: readonly ReportPair[], thumbnails: ReadonlyMap<string, string> | undefined): string {
  if (pairs.length === 0) return '<p>None.</p>';
  const img = (name: string): string => {
    const uri = thumbnails?.get(name);
    return uri ? `<img src="${escapeHtml(uri)}" alt="${escapeHtml(name)}">` : '';
  };
  return `<div class="pairs">${pairs
    .map((p) => `<div class="pair">${img(p.a)}${img(p.b)}<div>score ${fmt(p.score)}</div><div class="name">${escapeHtml(p.a)}</div><div class="name">${escapeHtml(p.b)}</div></div>`)
    .join('')}</div>`;
}

const W = 460;
const H = 320;
const M = { left: 48, right: 12, top: 12, bottom: 40 };

function rocSvg(curve: RocCurve, marks: readonly FarThreshold[]): string {
  const minFar = Math.min(1e-5, 1 / Math.max(1, curve.negatives));
  const lo = Math.floor(Math.log10(minFar));
  const x = (far: number): number => M.left + ((Math.log10(Math.max(far, 10 ** lo)) - lo) / -lo) * (W - M.left - M.right);
  const y = (tar: number): number => H - M.bottom - tar * (H - M.top - M.bottom);
  // Thin the curve to one point per horizontal pixel.
  const path: string[] = [];
  let lastX = -1;
  for (const p of curve.points) {
    const px = x(p.far);
    if (px - lastX < 0.5 && p !== curve.points[curve.points.length - 1]) continue;
    lastX = px;
    path.push(`${path.length === 0 ? 'M' : 'L'}${px.toFixed(1)},${y(p.tar).toFixed(1)}`);
  }
  const ticks: string[] = [];
  for (let e = lo; e <= 0; e++) ticks.push(`<line x1="${x(10 ** e)}" x2="${x(10 ** e)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#333"/><text x="${x(10 ** e)}" y="${H - M.bottom + 16}" text-anchor="middle">1e${e}</text>`);
  for (const t of [0, 0.25, 0.5, 0.75, 1]) ticks.push(`<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text><line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
  const markers = marks
    .filter((m) => m.threshold !== null)
    .map((m) => `<circle cx="${x(m.achievedFar)}" cy="${y(m.tar)}" r="4" fill="#c00"/><text x="${x(m.achievedFar) + 6}" y="${y(m.tar) + 14}">FAR ${m.far}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="ROC curve">
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>
${ticks.join('')}
<path d="${path.join('')}" fill="none" stroke="#1f5fbf" stroke-width="2"/>
${markers}
<text x="${(W + M.left) / 2}" y="${H - 6}" text-anchor="middle">false accept rate (log scale)</text>
<text x="12" y="${(H - M.bottom) / 2}" transform="rotate(-90 12 ${(H - M.bottom) / 2})" text-anchor="middle">true accept rate</text>
</svg>`;
}

function histogramSvg(pairs: readonly ReportPair[], threshold: number, metric: { readonly id: string }): string {
  const finite = pairs.filter((p) => Number.isFinite(p.score));
  const scores = finite.map((p) => p.score);
  let min = Math.min(threshold, ...scores.slice(0, 1));
  let max = Math.max(threshold, ...scores.slice(0, 1));
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (max === min) max = min + 1;
  const bins = 50;
  const same = new Array<number>(bins).fill(0);
  const diff = new Array<number>(bins).fill(0);
  let nSame = 0;
  let nDiff = 0;
  for (const p of finite) {
    const i = Math.min(bins - 1, Math.floor(((p.score - min) / (max - min)) * bins));
    if (p.same) {
      same[i]!++;
      nSame++;
    } else {
      diff[i]!++;
      nDiff++;
    }
  }
  // Each kind as a share of its own pairs, so thousands of impostor pairs do not flatten the genuine ones.
  const share = (counts: number[], n: number): number[] => counts.map((c) => (n === 0 ? 0 : c / n));
  const s = share(same, nSame);
  const d = share(diff, nDiff);
  const top = Math.max(...s, ...d, 1e-9);
  const bw = (W - M.left - M.right) / bins;
  const x = (v: number): number => M.left + ((v - min) / (max - min)) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - (v / top) * (H - M.top - M.bottom);
  const bars = (values: number[], colour: string): string =>
    values.map((v, i) => (v > 0 ? `<rect x="${(M.left + i * bw).toFixed(1)}" y="${y(v).toFixed(1)}" width="${bw.toFixed(1)}" height="${(H - M.bottom - y(v)).toFixed(1)}" fill="${colour}"/>` : '')).join('');
  const tx = x(threshold);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="score histograms">
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>
${bars(d, 'rgba(200,60,60,0.55)')}${bars(s, 'rgba(40,110,200,0.55)')}
<line x1="${tx}" x2="${tx}" y1="${M.top}" y2="${H - M.bottom}" stroke="#000" stroke-width="2" stroke-dasharray="5 3"/>
<text x="${tx + 4}" y="${M.top + 12}">threshold ${fmt(threshold)}</text>
<text x="${M.left}" y="${H - M.bottom + 16}">${fmt(min)}</text><text x="${W - M.right}" y="${H - M.bottom + 16}" text-anchor="end">${fmt(max)}</text>
<text x="${(W + M.left) / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(metric.id)} score (blue: same person ${nSame}, red: different people ${nDiff})</text>
</svg>`;
}
