// The preview's settings (cellspec.preview.*, declared in package.json), read in one place so the
// preview panel gets typed values and a change event. What they do is the preview's business.
import { Disposable, workspace } from 'vscode';

export type PreviewPalette = 'theme' | 'okabe-ito' | 'tableau10' | 'grayscale';
const PALETTES: readonly PreviewPalette[] = ['theme', 'okabe-ito', 'tableau10', 'grayscale'];

export interface PreviewSettings {
  /** Scroll the preview to the run under the editor's cursor. */
  followCursor: boolean;
  /** The colours of the chart series. */
  palette: PreviewPalette;
}

export function previewSettings(): PreviewSettings {
  const c = workspace.getConfiguration('cellspec.preview');
  const palette = c.get<string>('palette');
  return {
    followCursor: c.get<boolean>('followCursor') !== false,
    palette: PALETTES.includes(palette as PreviewPalette) ? palette as PreviewPalette : 'theme',
  };
}

/** Calls `listener` with the new settings whenever one of them changes. */
export function onPreviewSettingsChanged(listener: (s: PreviewSettings) => void): Disposable {
  return workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('cellspec.preview')) listener(previewSettings());
  });
}
