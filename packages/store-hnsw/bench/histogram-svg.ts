// An SVG plot of same-person and different-person distance histograms, real against synthetic.

/** One distance distribution to draw. */
export interface HistogramSeries {
  readonly name: string;
  readonly colour: string;
  readonly dashed: boolean;
  readonly values: readonly number[];
}

/** Normalised histograms (density) of `series` over [0, 1.4] as step lines in one SVG chart. */
export function histogramSvg(title: string, series: readonly HistogramSeries[], bins = 56): string {
  const lo = 0;
  const hi = 1.4;
  const width = 760;
  const height = 360;
  const left = 50;
  const bottom = 40;
  const top = 40;
  const densities = series.map((s) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of s.values) {
      const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
      counts[b] = (counts[b] as number) + 1;
    }
    return counts.map((c) => c / Math.max(1, s.values.length) / ((hi - lo) / bins));
  });
  const maxDensity = Math.max(...densities.flat());
  const x = (v: number): number => left + ((v - lo) / (hi - lo)) * (width - left - 20);
  const y = (d: number): number => height - bottom - (d / maxDensity) * (height - bottom - top);
  const paths = series.map((s, i) => {
    const density = densities[i] as number[];
    let d = `M ${x(lo).toFixed(1)} ${y(0).toFixed(1)}`;
    density.forEach((value, b) => {
      const x0 = lo + (b * (hi - lo)) / bins;
      const x1 = lo + ((b + 1) * (hi - lo)) / bins;
      d += ` L ${x(x0).toFixed(1)} ${y(value).toFixed(1)} L ${x(x1).toFixed(1)} ${y(value).toFixed(1)}`;
    });
    d += ` L ${x(hi).toFixed(1)} ${y(0).toFixed(1)}`;
    return `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`;
  });
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4].map(
    (t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${height - bottom}" y2="${height - bottom + 5}" stroke="#333"/><text x="${x(t)}" y="${height - bottom + 18}" font-size="12" text-anchor="middle">${t.toFixed(1)}</text>`,
  );
  const legend = series.map(
    (s, i) =>
      `<line x1="${left + 10}" x2="${left + 40}" y1="${top + 10 + i * 18}" y2="${top + 10 + i * 18}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${left + 46}" y="${top + 14 + i * 18}" font-size="12">${escapeXml(s.name)} (${s.values.length.toLocaleString('en-US')} pairs)</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" font-size="15" text-anchor="middle">${escapeXml(title)}</text>`,
    `<line x1="${left}" x2="${width - 20}" y1="${height - bottom}" y2="${height - bottom}" stroke="#333"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#333"/>`,
    ...ticks,
    `<text x="${width / 2}" y="${height - 6}" font-size="12" text-anchor="middle">cosine distance (1 − cos)</text>`,
    `<text x="14" y="${(height - bottom + top) / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${(height - bottom + top) / 2})">density</text>`,
    ...paths,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
