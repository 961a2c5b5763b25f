// A chart on a page: the element web/charts.ts draws into, and its figures in a JSON block
// marked data-chart (never executed: the CSP allows no inline script). Pages show the same
// figures in a table too, for keyboards and screen readers.
import { html, jsonData, type Html } from '../html.js';

/**
 * What web/charts.ts draws: x in Unix seconds (or an index with `ticks` naming each x), one
 * line (or bar) series per label.
 */
export interface ChartData { x: number[]; ticks?: string[]; series: { label: string; values: number[] }[]; bars?: boolean; xLabel?: string; yLabel?: string }

export function chart(id: string, label: string, data: ChartData): Html {
  return html`<div class="chart" id="${id}" role="img" aria-label="${label}"></div>${jsonData(`${id}-data`, data, id)}`;
}
