// Colours for the charts, read from the --vscode-* variables VS Code puts on the page (the report
// defines the same variables itself in webview.css). The fallbacks are VS Code's defaults. The
// series palette is the user's (cellspec.preview.palette): the theme's chart colours, Okabe–Ito,
// Tableau 10 or greys, each ordered so the first colours stand out on the theme's background.
import type { Palette } from '../protocol/preview';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  highContrast: boolean;
  background: string;
  foreground: string;
  muted: string;
  grid: string;
  font: string;
  fontSize: number;
  /** Categorical colours, the theme's chart colours first. */
  palette: string[];
}

const FALLBACK: Record<ThemeKind, { bg: string; fg: string; muted: string; chart: string[] }> = {
  light: { bg: '#ffffff', fg: '#3b3b3b', muted: '#717171', chart: ['#1a85ff', '#d18616', '#388a34', '#e51400', '#652d90', '#bf8803'] },
  dark: { bg: '#1f1f1f', fg: '#cccccc', muted: '#9d9d9d', chart: ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'] },
  'high-contrast': { bg: '#000000', fg: '#ffffff', muted: '#ffffff', chart: ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#ffd700'] },
  'high-contrast-light': { bg: '#ffffff', fg: '#292929', muted: '#292929', chart: ['#0f4a85', '#b5200d', '#374e06', '#b5200d', '#652d90', '#7f4e00'] },
};
const CHART_VARS = ['blue', 'orange', 'green', 'red', 'purple', 'yellow'];

/** The theme kind from the body class VS Code sets; the report follows the system setting. */
export function themeKind(override?: ThemeKind): ThemeKind {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-dark')) return 'dark';
  if (c.contains('vscode-light')) return 'light';
  if (override) return override;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function readTheme(override?: ThemeKind): Theme {
  const kind = themeKind(override);
  const fb = FALLBACK[kind];
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(`--vscode-${name}`).trim() || fallback;
  const background = v('editor-background', fb.bg);
  const foreground = v('editor-foreground', fb.fg);
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const chart = CHART_VARS.map((name, i) => v(`charts-${name}`, fb.chart[i]));
  // More series than chart colours (a Nyquist plot per spectrum): add the same hues drawn towards
  // the foreground, then towards the background, so neighbours still differ.
  const palette = [...chart, ...chart.map((c) => mix(c, foreground, 0.45)), ...chart.map((c) => mix(c, background, 0.4))];
  return {
    kind,
    highContrast,
    background,
    foreground,
    muted: v('descriptionForeground', fb.muted),
    grid: highContrast ? v('contrastBorder', foreground) : v('charts-lines', fb.muted),
    font: v('font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(v('font-size', '13px')) || 13,
    palette,
  };
}

function rgb(c: string): [number, number, number] | undefined {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c);
  if (hex) {
    const h = hex[1];
    if (h.length === 3 || h.length === 4) return [0, 1, 2].map((i) => parseInt(h[i] + h[i], 16)) as [number, number, number];
    if (h.length === 6 || h.length === 8) return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
    return undefined;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c);
  return fn ? [Number(fn[1]), Number(fn[2]), Number(fn[3])] : undefined;
}

/** Relative luminance (WCAG) of a plain colour; 1 for anything else (treated as light). */
function luminance(c: string): number {
  const x = rgb(c);
  if (!x) return 1;
  const [r, g, b] = x.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// Okabe & Ito (2008), "Color Universal Design": eight colours told apart with the common colour-
// vision deficiencies. Black (light backgrounds) or white (dark) closes the list; on dark
// backgrounds the light blue comes before the dark one.
const OKABE_ITO_LIGHT = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
const OKABE_ITO_DARK = ['#56B4E9', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#0072B2', '#F0E442', '#FFFFFF'];
// Tableau 10 (Tableau's default categorical palette since 2016).
const TABLEAU_10 = ['#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#BAB0AC'];
const GREYS_LIGHT = ['#000000', '#555555', '#8a8a8a', '#b0b0b0'];
const GREYS_DARK = ['#ffffff', '#bdbdbd', '#8c8c8c', '#646464'];

/** The series colours of a palette on this theme's background. */
export function paletteColours(name: Palette, theme: Theme): string[] {
  const dark = luminance(theme.background) < 0.2;
  switch (name) {
    case 'okabe-ito': return dark ? OKABE_ITO_DARK : OKABE_ITO_LIGHT;
    case 'tableau10': return TABLEAU_10;
    case 'grayscale': return dark ? GREYS_DARK : GREYS_LIGHT;
    default: return theme.palette;
  }
}

/** `a` moved a fraction `t` towards `b`; `a` unchanged when either is not a plain colour. */
export function mix(a: string, b: string, t: number): string {
  const x = rgb(a), y = rgb(b);
  if (!x || !y) return a;
  return '#' + x.map((v, i) => Math.round(v + (y[i] - v) * t).toString(16).padStart(2, '0')).join('');
}

/** A stable key: views are rebuilt when it changes. */
export const themeKey = (t: Theme) => JSON.stringify(t);
