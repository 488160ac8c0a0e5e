// The colour, dash and shape of each series. A series of a build (its colorKey) takes the build's
// colour from the page's one legend, the same in every chart; a later spectrum of one run is a
// lighter shade of it, a fitted curve is dashed. Series of no build (a protocol's programmed
// current) are drawn in the foreground colour. A chart needs a legend of its own only when the
// page's legend cannot tell its series apart (a build's replicate cells, in shades of its colour).
import type { ChartModel, ChartSeries, LegendEntry, Palette } from '../protocol/preview';
import { mix, paletteColours, Theme } from './theme';

export interface SeriesStyle {
  /** The series' entry in the chart's colour scale: its name, made unique in the chart. */
  label: string;
  colour: string;
  /** Stroke dash of a line: [] solid. */
  dash: number[];
  shape: 'circle' | 'square' | 'triangle-up' | 'diamond';
}

export interface ChartStyles {
  series: SeriesStyle[];
  /** Whether the chart shows its own legend (several series of one build, or of none). */
  legend: boolean;
}

const FIT_DASH = [6, 4];
// In greys, builds differ by dash and marker shape too.
const GREY_DASHES = [[], [7, 3], [2, 3], [9, 3, 2, 3]];
const GREY_SHAPES: SeriesStyle['shape'][] = ['circle', 'square', 'triangle-up', 'diamond'];

/** The colour of a build on this page: its palette position, kept across charts and updates. */
export function keyColour(key: string | undefined, legend: LegendEntry[], colours: string[], theme: Theme): string {
  const entry = key === undefined ? undefined : legend.find((e) => e.key === key);
  if (!entry) return theme.foreground;
  return colours[entry.index % colours.length];
}

export function chartStyles(c: ChartModel, legend: LegendEntry[], palette: Palette, theme: Theme): ChartStyles {
  const colours = paletteColours(palette, theme);
  const grey = palette === 'grayscale';
  const seen = new Map<string, number>();
  const unique = (name: string) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name} (${n})`;
  };
  // Data series (not fits) per build: several of one build need shades to tell them apart.
  const groups = new Map<string, ChartSeries[]>();
  for (const s of c.series) if (!s.fit) groups.set(s.colorKey ?? '', [...(groups.get(s.colorKey ?? '') ?? []), s]);
  const shadeOf = (s: ChartSeries): number => {
    if (s.shade !== undefined) return s.shade;
    const group = groups.get(s.colorKey ?? '') ?? [];
    if (group.length < 2 || group.some((x) => x.shade !== undefined)) return 0;
    return (group.indexOf(s) / (group.length - 1)) * 0.55;
  };
  const series = c.series.map((s): SeriesStyle => {
    const base = keyColour(s.colorKey, legend, colours, theme);
    const index = legend.find((e) => e.key === s.colorKey)?.index ?? 0;
    const colour = s.fit ? mix(base, theme.foreground, 0.3) : mix(base, theme.background, shadeOf(s));
    const dash = s.fit ? FIT_DASH : grey ? GREY_DASHES[index % GREY_DASHES.length] : [];
    return { label: unique(s.name), colour, dash, shape: grey ? GREY_SHAPES[index % GREY_SHAPES.length] : 'circle' };
  });
  const data = c.series.filter((s) => !s.fit);
  // A timeline's rows and a comparison's categories name their series already.
  const legendNeeded = c.kind !== 'timeline' && !c.x.categories && data.length > 1
    && ([...groups.values()].some((g) => g.length > 1) || data.some((s) => s.colorKey === undefined));
  return { series, legend: legendNeeded };
}
