import { describe, expect, it } from 'vitest';
import { renderBarChart, renderLineChart } from '../../src/interfaces/chart.js';

describe('renderBarChart', () => {
  it('given two models then it draws one bar each, scaled to the largest, with values and labels', () => {
    const svg = renderBarChart([{ title: 'RMSE', bars: [{ label: 'baseline', value: 1.2 }, { label: 'svd', value: 0.6 }] }], { width: 400 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const bars = [...svg.matchAll(/<rect class="bar" data-label="([^"]+)" data-value="([^"]+)" x="\d+" y="\d+" width="([\d.]+)"/g)];
    expect(bars.map((m) => [m[1], Number(m[2]), Number(m[3])])).toEqual([
      ['baseline', 1.2, 180],
      ['svd', 0.6, 90],
    ]);
    expect(svg).toContain('>1.200</text>');
    expect(svg).toContain('>RMSE</text>');
  });

  it('given a model without the metric then it writes n/a and draws no bar', () => {
    const svg = renderBarChart([{ title: 'Hit@10', bars: [{ label: 'global-mean', value: null }] }]);
    expect(svg).toContain('>n/a</text>');
    expect(svg).not.toContain('class="bar"');
  });

  it('given a label with markup characters then it is escaped', () => {
    expect(renderBarChart([{ title: 'a<b', bars: [{ label: 'x&y', value: 1 }] }])).toContain('x&amp;y');
  });
});

describe('renderLineChart', () => {
  it('given two curves then it draws one polyline per curve through every point, with a legend', () => {
    const svg = renderLineChart(
      [
        { label: 'embedding', points: [{ x: 1, y: 1.4 }, { x: 2, y: 1.3 }, { x: 3, y: 1.25 }] },
        { label: 'hybrid', points: [{ x: 1, y: 1.35 }, { x: 2, y: 1.2 }] },
      ],
      { title: 'Validation RMSE', xLabel: 'epoch', yLabel: 'RMSE', width: 520, height: 300 },
    );
    const lines = [...svg.matchAll(/<polyline class="curve" data-label="([^"]+)" points="([^"]+)"/g)];
    expect(lines.map((m) => [m[1], m[2]!.split(' ').length])).toEqual([
      ['embedding', 3],
      ['hybrid', 2],
    ]);
    // x from 1 to 3 spans the plot (left 60, width 520 - 60 - 160 = 300); y max 1.4 at the top (40).
    expect(lines[0]![2]!.split(' ')[0]).toBe('60,40');
    expect(lines[0]![2]!.split(' ')[2]!.startsWith('360,')).toBe(true);
    expect(svg).toContain('>hybrid</text>');
  });

  it('given no curves then it says so', () => {
    expect(renderLineChart([], { title: 't', xLabel: 'x', yLabel: 'y' })).toContain('no training curves');
  });
});

describe('well-formed SVG', () => {
  it('given titled charts then no element repeats an attribute', () => {
    const svgs = [
      renderBarChart([{ title: 'RMSE', bars: [{ label: 'a', value: 1 }] }], { title: 'anirec eval' }),
      renderLineChart([{ label: 'a', points: [{ x: 1, y: 1 }] }], { title: 't', xLabel: 'x', yLabel: 'y' }),
    ];
    for (const svg of svgs) {
      for (const tag of svg.match(/<[a-z]+[^>]*>/g)!) {
        const names = [...tag.matchAll(/\s([a-z-]+)=/g)].map((m) => m[1]);
        expect(new Set(names).size, tag).toBe(names.length);
      }
    }
  });
});
