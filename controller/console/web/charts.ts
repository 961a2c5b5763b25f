// Charts drawn with uPlot from JSON data blocks the server rendered:
// <script type="application/json" data-chart="ID">{"x":[unix s...],"series":[{"label","values"}],"bars":bool}</script>
// draws into the element with id ID. With "ticks", x holds their indexes and the axis shows
// the tick labels instead (a histogram's bucket bounds). The same figures are in a table on the page, for
// keyboards and screen readers.
import uPlot from 'uplot';

interface ChartData { x: number[]; ticks?: string[]; series: { label: string; values: number[] }[]; bars?: boolean; xLabel?: string; yLabel?: string }

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

export function drawCharts(root: ParentNode): void {
  for (const block of root.querySelectorAll<HTMLScriptElement>('script[type="application/json"][data-chart]')) {
    const target = document.getElementById(block.dataset.chart ?? '');
    if (!target) continue;
    const data = JSON.parse(block.textContent ?? '{}') as ChartData;
    const width = Math.max(280, Math.min(target.clientWidth || 640, 960));
    const opts: uPlot.Options = {
      width, height: 220,
      scales: { x: { time: !data.xLabel } },
      axes: [
        { label: data.xLabel, ...(data.ticks ? { values: (_u: uPlot, splits: number[]) => splits.map((i) => (Number.isInteger(i) ? data.ticks![i] ?? '' : '')) } : {}) },
        { label: data.yLabel },
      ],
      series: [{}, ...data.series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], fill: data.bars ? `${COLORS[i % COLORS.length]}55` : undefined,
        paths: data.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
      }))],
    };
    new uPlot(opts, [data.x, ...data.series.map((s) => s.values)], target);
  }
}
