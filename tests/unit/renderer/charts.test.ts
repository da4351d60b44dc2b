import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { describe, expect, it } from 'vitest';
import { pieOption, type ChartItem } from '../../../renderer/features/supervision/charts';

// The dashboard draws on canvas; here ECharts' server-side SVG renderer draws the same option,
// so that what would be on screen can be counted.
use([SVGRenderer]);

function slicesDrawn(items: ChartItem<string>[]): number {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
  chart.setOption(pieOption(items));
  const svg = chart.renderToSVGString();
  chart.dispose();
  // A slice drawn is a filled path in a series colour with an arc in it (an empty one is a bare line).
  return (svg.match(/<path d="[^"]*A[^"]*"[^>]*fill="#(1d4e89|e6a23c|909399)"/g) ?? []).length;
}

describe('the dashboard doughnut', () => {
  const items = (values: number[]) => values.map((value, i) => ({ key: `k${i}`, label: `项${i}`, value }));

  it('draws a slice per item that has cases', () => {
    expect(slicesDrawn(items([3, 1, 0]))).toBe(2);
  });

  it('draws no slices for a period with nothing in it, rather than three equal ones', () => {
    expect(slicesDrawn(items([0, 0, 0]))).toBe(0);
  });
});
