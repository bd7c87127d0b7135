/**
 * Hand-written SVG charts for the eval table (pure functions: data in, SVG text out), so the results can
 * be looked at without a plotting library: horizontal bar panels and a line chart of training curves.
 */

export interface Bar {
  label: string;
  /** null draws no bar and writes "n/a". */
  value: number | null;
}

export interface BarPanel {
  title: string;
  bars: Bar[];
  /** Number format of the value labels. Default 3 decimals. */
  digits?: number;
}

export interface LinePoint {
  x: number;
  y: number;
}

export interface LineSeries {
  label: string;
  points: LinePoint[];
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const FONT = 'font-family="sans-serif" font-size="12"';
const TITLE_FONT = 'font-family="sans-serif" font-size="15" font-weight="bold"';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (x: number, digits = 1) => Number(x.toFixed(digits)).toString();

/** A whole SVG document on a white background around the drawn parts. */
function wrapSvg(width: number, height: number, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...parts,
    '</svg>',
  ].join('\n') + '\n';
}

/** Stacked panels of horizontal bars, one row per bar; each panel scaled to its own largest value. */
export function renderBarChart(panels: BarPanel[], options: { width?: number; title?: string } = {}): string {
  const width = options.width ?? 720;
  const labelWidth = 130;
  const valueWidth = 70;
  const barHeight = 18;
  const gap = 6;
  const plotWidth = width - labelWidth - valueWidth - 20;
  const parts: string[] = [];
  let y = 10;
  if (options.title) {
    parts.push(`<text x="10" y="${y + 14}" ${TITLE_FONT}>${escapeXml(options.title)}</text>`);
    y += 26;
  }
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y + 14}" ${FONT} font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += 24;
    const max = Math.max(0, ...panel.bars.map((b) => (b.value !== null && Number.isFinite(b.value) ? b.value : 0)));
    panel.bars.forEach((bar, index) => {
      const color = PALETTE[index % PALETTE.length]!;
      parts.push(`<text x="${labelWidth - 6}" y="${y + 13}" ${FONT} text-anchor="end">${escapeXml(bar.label)}</text>`);
      if (bar.value === null || !Number.isFinite(bar.value)) {
        parts.push(`<text x="${labelWidth + 4}" y="${y + 13}" ${FONT} fill="#888">n/a</text>`);
      } else {
        const w = max > 0 ? Math.max(1, (Math.max(bar.value, 0) / max) * plotWidth) : 1;
        parts.push(`<rect class="bar" data-label="${escapeXml(bar.label)}" data-value="${bar.value}" x="${labelWidth}" y="${y}" width="${fmt(w)}" height="${barHeight}" fill="${color}"/>`);
        parts.push(`<text x="${fmt(labelWidth + w + 4)}" y="${y + 13}" ${FONT}>${bar.value.toFixed(panel.digits ?? 3)}</text>`);
      }
      y += barHeight + gap;
    });
    y += 12;
  }
  const height = y + 10;
  return wrapSvg(width, height, parts);
}

/** A line per series over shared axes, with ticks at the data range's ends and a legend. */
export function renderLineChart(
  series: LineSeries[],
  options: { title: string; xLabel: string; yLabel: string; width?: number; height?: number },
): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const left = 60;
  const right = 160;
  const top = 40;
  const bottom = 50;
  const points = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const parts: string[] = [`<text x="${left}" y="24" ${TITLE_FONT}>${escapeXml(options.title)}</text>`];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`);
  parts.push(`<text x="${left + plotW / 2}" y="${height - 12}" ${FONT} text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text x="14" y="${top + plotH / 2}" ${FONT} text-anchor="middle" transform="rotate(-90 14 ${top + plotH / 2})">${escapeXml(options.yLabel)}</text>`);
  if (points.length === 0) {
    parts.push(`<text x="${left + plotW / 2}" y="${top + plotH / 2}" ${FONT} text-anchor="middle" fill="#888">no training curves</text>`);
  } else {
    let xMin = Math.min(...points.map((p) => p.x));
    let xMax = Math.max(...points.map((p) => p.x));
    let yMin = Math.min(...points.map((p) => p.y));
    let yMax = Math.max(...points.map((p) => p.y));
    if (xMax === xMin) [xMin, xMax] = [xMin - 1, xMax + 1];
    if (yMax === yMin) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
    const sx = (x: number) => left + ((x - xMin) / (xMax - xMin)) * plotW;
    const sy = (y: number) => top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;
    for (const [value, anchor] of [[xMin, 'start'], [xMax, 'end']] as const) {
      parts.push(`<text x="${fmt(sx(value))}" y="${top + plotH + 16}" ${FONT} text-anchor="${anchor}">${fmt(value, 2)}</text>`);
    }
    for (const value of [yMin, yMax]) {
      parts.push(`<text x="${left - 6}" y="${fmt(sy(value) + 4)}" ${FONT} text-anchor="end">${value.toFixed(3)}</text>`);
    }
    series.forEach((s, index) => {
      const color = PALETTE[index % PALETTE.length]!;
      const valid = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
      const path = valid.map((p) => `${fmt(sx(p.x))},${fmt(sy(p.y))}`).join(' ');
      parts.push(`<polyline class="curve" data-label="${escapeXml(s.label)}" points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const p of valid) parts.push(`<circle cx="${fmt(sx(p.x))}" cy="${fmt(sy(p.y))}" r="2.5" fill="${color}"/>`);
      const ly = top + 10 + index * 18;
      parts.push(`<line x1="${width - right + 12}" y1="${ly}" x2="${width - right + 32}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
      parts.push(`<text x="${width - right + 38}" y="${ly + 4}" ${FONT}>${escapeXml(s.label)}</text>`);
    });
  }
  return wrapSvg(width, height, parts);
}
