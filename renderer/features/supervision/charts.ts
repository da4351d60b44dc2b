import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import type { EChartsOption } from 'echarts';

// Only what the dashboard draws, on canvas: the CSP forbids inline styles, and the canvas
// renderer with rich-text tooltips writes none into the page.
use([CanvasRenderer, BarChart, PieChart, GridComponent, TooltipComponent]);

/** One bar or slice: its label, its value and what a click on it drills down to. */
export interface ChartItem<K> {
  key: K;
  label: string;
  value: number;
}

const COLORS = ['#1d4e89', '#e6a23c', '#909399', '#67c23a', '#f56c6c', '#409eff', '#b37feb', '#13c2c2', '#fa8c16', '#8c8c8c', '#eb2f96'];

/** A horizontal bar chart of counts, largest category first as given. */
export function barOption<K>(items: ChartItem<K>[]): EChartsOption {
  const reversed = [...items].reverse();
  return {
    animation: false,
    color: COLORS,
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item', renderMode: 'richText' },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: reversed.map((i) => i.label) },
    series: [{ type: 'bar', data: reversed.map((i) => i.value), label: { show: true, position: 'right' }, barMaxWidth: 22 }],
  };
}

/** A doughnut of shares. */
export function pieOption<K>(items: ChartItem<K>[]): EChartsOption {
  return {
    animation: false,
    color: COLORS,
    tooltip: { trigger: 'item', renderMode: 'richText', formatter: '{b}：{c}（{d}%）' },
    series: [
      {
        type: 'pie',
        radius: ['40%', '70%'],
        // A period with nothing in it draws an empty ring, not equal slices of nothing.
        stillShowZeroSum: false,
        data: items.map((i) => ({ name: i.label, value: i.value })),
        label: { formatter: '{b}\n{c}' },
      },
    ],
  };
}

/** The item a click on a chart's bar or slice points at (bars are drawn in reverse order). */
export function clickedItem<K>(items: ChartItem<K>[], kind: 'bar' | 'pie', dataIndex: number): ChartItem<K> | undefined {
  return kind === 'bar' ? items[items.length - 1 - dataIndex] : items[dataIndex];
}
