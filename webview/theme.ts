// Colours for the charts, read from the --vscode-* variables VS Code puts on the page (the report
// defines the same variables itself in webview.css). The fallbacks are VS Code's defaults.

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

/** `a` moved a fraction `t` towards `b`; `a` unchanged when either is not a plain colour. */
function mix(a: string, b: string, t: number): string {
  const x = rgb(a), y = rgb(b);
  if (!x || !y) return a;
  return '#' + x.map((v, i) => Math.round(v + (y[i] - v) * t).toString(16).padStart(2, '0')).join('');
}

/** A stable key: views are rebuilt when it changes. */
export const themeKey = (t: Theme) => JSON.stringify(t);
