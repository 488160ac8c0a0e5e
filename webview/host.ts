// Where the page runs: a VS Code webview (messages to the extension, state kept by VS Code) or a
// report opened from disk (the model embedded in the page, exports downloaded as files).
import { FromPage, Palette, parseToPage, PreviewModel } from '../protocol/preview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

export type ExportFormat = 'svg' | 'png' | 'csv' | 'json';

/** What the page remembers across a hidden or restored panel. */
export interface PageState {
  model?: PreviewModel;
  scrollY?: number;
  closed?: string[];
  /** The chart filter: its words and the builds chosen in the legend. */
  filter?: { text: string; builds: string[] };
  palette?: Palette;
}

export interface Host {
  readonly kind: 'vscode' | 'report';
  post(message: FromPage): void;
  /** Saves a chart image or the results: the extension asks where, the report downloads. */
  save(format: ExportFormat, name: string, data: string): void;
  getState(): PageState;
  setState(state: PageState): void;
  /** The model the page starts with (the report's embedded one, or the restored panel's). */
  initialModel(): PreviewModel | undefined;
}

const MIME: Record<ExportFormat, string> = { svg: 'image/svg+xml', png: 'image/png', csv: 'text/csv;charset=utf-8', json: 'application/json' };

/** A file name the extension accepts (protocol: /^[\w .-]{1,100}$/). */
export function fileName(base: string, format: ExportFormat): string {
  const stem = base.replace(/[^\w .-]+/g, '_').replace(/^[ .]+/, '').slice(0, 95) || 'cellspec';
  return `${stem}.${format}`;
}

function validModel(m: unknown): PreviewModel | undefined {
  const msg = parseToPage({ type: 'update', model: m });
  return msg?.type === 'update' ? msg.model : undefined;
}

export function createHost(): Host {
  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;
  if (vscode) {
    return {
      kind: 'vscode',
      post: (m) => vscode.postMessage(m),
      save: (format, name, data) => vscode.postMessage({ type: 'export', format, name: fileName(name, format), data } satisfies FromPage),
      getState: () => {
        const s = vscode.getState();
        return s && typeof s === 'object' ? (s as PageState) : {};
      },
      setState: (s) => vscode.setState(s),
      initialModel: () => {
        const s = vscode.getState() as PageState | undefined;
        return s && typeof s === 'object' ? validModel(s.model) : undefined;
      },
    };
  }
  let state: PageState = {};
  return {
    kind: 'report',
    // Nobody listens in a report: revealing a line needs the editor.
    post: () => undefined,
    save: (format, name, data) => download(fileName(name, format), format, data),
    getState: () => state,
    setState: (s) => { state = s; },
    initialModel: () => {
      const el = document.getElementById('model');
      if (!el?.textContent) return undefined;
      try {
        return validModel(JSON.parse(el.textContent));
      } catch {
        return undefined;
      }
    },
  };
}

/** A Blob link clicked once: PNG arrives as a data URL and is decoded to bytes first. */
function download(name: string, format: ExportFormat, data: string) {
  let blob: Blob;
  const png = /^data:image\/png;base64,(.*)$/.exec(data);
  if (png) {
    const bin = atob(png[1]);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    blob = new Blob([bytes], { type: MIME.png });
  } else {
    blob = new Blob([data], { type: MIME[format] });
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
