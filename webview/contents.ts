// Finding a chart among many: the page's one legend (a colour per build, each a toggle that keeps
// only the charts of the builds chosen), a filter box (every word must appear in the chart's
// title, protocol, cell, series or build), and a table of contents by protocol and cell whose
// entries scroll to their chart.
import { keyColour } from './colours';
import { el } from './dom';
import type { ChartModel, LegendEntry, Palette } from '../protocol/preview';
import { paletteColours, Theme } from './theme';

export interface Filter { text: string; builds: string[] }

/** The words a chart is found by. */
function haystack(c: ChartModel): string {
  return [c.title, c.place.group, c.place.cell ?? '', c.place.label, ...c.series.map((s) => s.name), ...c.series.map((s) => s.colorKey ?? '')].join(' ').toLowerCase();
}

export function matches(c: ChartModel, f: Filter): boolean {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  const text = haystack(c);
  if (!words.every((w) => text.includes(w))) return false;
  return !f.builds.length || c.series.some((s) => s.colorKey !== undefined && f.builds.includes(s.colorKey));
}

/** One colour swatch: the build's colour as a background (set through the CSSOM, no inline style). */
function swatch(colour: string): HTMLElement {
  const s = el('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.backgroundColor = colour;
  return s;
}

export interface ContentsEvents {
  filterChanged(f: Filter): void;
  go(chartId: string): void;
}

export class Contents {
  readonly legendElement = el('div', { class: 'page-legend', role: 'group', 'aria-label': 'Builds: one colour each in every chart' });
  readonly element: HTMLElement;
  private input = el('input', { type: 'search', class: 'filter', placeholder: 'Filter charts: cell, protocol, quantity…', 'aria-label': 'Filter charts', spellcheck: 'false' });
  private count = el('span', { class: 'filter-count', role: 'status' });
  private toc = el('nav', { class: 'toc', 'aria-label': 'Charts by protocol and cell' });
  private filter: Filter;

  constructor(initial: Filter, private events: ContentsEvents) {
    this.filter = { text: initial.text, builds: [...initial.builds] };
    this.input.value = initial.text;
    this.input.addEventListener('input', () => this.set({ ...this.filter, text: this.input.value }));
    this.element = el('div', { class: 'contents' }, el('div', { class: 'filter-row' }, this.input, this.count), this.toc);
  }

  get current(): Filter { return this.filter; }

  private set(f: Filter) {
    this.filter = f;
    this.events.filterChanged(f);
  }

  /** Redraws the legend and the table of contents; `shown` says which charts pass the filter. */
  render(charts: ChartModel[], legend: LegendEntry[], palette: Palette, theme: Theme, shown: (c: ChartModel) => boolean) {
    const colours = paletteColours(palette, theme);
    this.legendElement.replaceChildren(...legend.map((e) => {
      const on = this.filter.builds.includes(e.key);
      const b = el('button', { type: 'button', class: 'legend-entry', 'data-key': e.key, 'aria-pressed': String(on), title: `${e.cells.join(', ')}: click to show only the charts of ${e.key}` },
        swatch(keyColour(e.key, legend, colours, theme)), el('span', { class: 'legend-key' }, e.key), el('span', { class: 'legend-cells' }, e.cells.join(', ')));
      b.addEventListener('click', () => {
        const builds = on ? this.filter.builds.filter((k) => k !== e.key) : [...this.filter.builds, e.key];
        this.set({ ...this.filter, builds });
      });
      return b;
    }));
    this.legendElement.hidden = !legend.length;
    const visible = charts.filter(shown);
    this.count.textContent = visible.length === charts.length ? `${charts.length} charts` : `${visible.length} of ${charts.length} charts`;
    // Protocols in the order of their first chart; under each, the charts comparing cells, then a row per cell.
    const groups = new Map<string, ChartModel[]>();
    for (const c of charts) groups.set(c.place.group, [...(groups.get(c.place.group) ?? []), c]);
    const link = (c: ChartModel, text: string) => {
      const a = el('a', { href: `#${c.id}`, 'data-chart': c.id, class: 'toc-link' }, text);
      a.hidden = !shown(c);
      a.addEventListener('click', (ev) => { ev.preventDefault(); this.events.go(c.id); });
      return a;
    };
    const row = (head: Node, list: ChartModel[], text: (c: ChartModel) => string, always = false) => {
      const r = el('div', { class: 'toc-row' }, head, el('span', { class: 'toc-links' }, ...list.map((c) => link(c, text(c)))));
      r.hidden = !always && !list.some(shown);
      return r;
    };
    this.toc.replaceChildren(...[...groups].map(([group, list]) => {
      const compared = list.filter((c) => !c.place.cell);
      const cells = [...new Set(list.flatMap((c) => (c.place.cell ? [c.place.cell] : [])))];
      const cellRow = (cell: string) => {
        const of = list.filter((c) => c.place.cell === cell);
        const key = of.flatMap((c) => c.series.map((s) => s.colorKey)).find((k) => k !== undefined);
        return row(el('span', { class: 'toc-cell' }, swatch(key ? keyColour(key, legend, colours, theme) : 'transparent'), cell), of, (c) => c.place.label);
      };
      const section = el('div', { class: 'toc-group', 'data-group': group },
        row(el('span', { class: 'toc-protocol' }, group), compared, (c) => c.place.label, true), ...cells.map(cellRow));
      section.hidden = !list.some(shown);
      return section;
    }));
  }
}
