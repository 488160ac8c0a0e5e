// The results table, the predictions table and the problems list. Rows carry their spec line:
// a click (or Enter) reveals it. Everything the model holds is shown as text.
import { el } from './dom';
import type { FigureRow, PredictionRow, PreviewModel, ResultRow } from '../protocol/preview';

type Reveal = (line: number) => void;

const str = (x: unknown) => (x === undefined || x === null ? '' : String(x));

/** A table whose rows reveal their line; the body is rebuilt on each update (it is cheap). */
export class LineTable<R extends { line: number }> {
  readonly element: HTMLTableElement;
  private body: HTMLTableSectionElement;

  constructor(name: string, private columns: { title: string; cell: (r: R) => string; className?: string }[], private hint: (r: R) => string, reveal: Reveal,
    private rowAttrs: (r: R) => Record<string, string> = () => ({})) {
    this.body = el('tbody');
    this.element = el('table', { class: `rows ${name}`, 'data-table': name },
      el('thead', {}, el('tr', {}, ...columns.map((c) => el('th', { scope: 'col' }, c.title)))), this.body);
    const fire = (ev: Event) => {
      const tr = (ev.target as Element).closest('tr[data-line]') as HTMLElement | null;
      const line = Number(tr?.dataset.line);
      if (line >= 1) reveal(line);
    };
    this.body.addEventListener('click', fire);
    this.body.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') fire(ev); });
  }

  set rows(rows: R[]) {
    this.body.replaceChildren(...rows.map((r) => {
      const tr = el('tr', { ...this.rowAttrs(r), 'data-line': str(r.line), tabindex: '0', title: this.hint(r) },
        ...this.columns.map((c) => el('td', c.className ? { class: c.className } : {}, c.cell(r))));
      return tr;
    }));
  }
}

export function resultsTable(reveal: Reveal) {
  return new LineTable<ResultRow>('results', [
    { title: 'Run', cell: (r) => str(r.run), className: 'name' },
    { title: 'Cell', cell: (r) => str(r.cell), className: 'name' },
    { title: 'Result', cell: (r) => str(r.label), className: 'name' },
    { title: 'Value', cell: (r) => str(r.text), className: 'value' },
    { title: 'Line', cell: (r) => str(r.line), className: 'line' },
  ], (r) => str(r.derivation) || `line ${r.line}`, reveal);
}

export function predictionsTable(reveal: Reveal) {
  return new LineTable<PredictionRow>('predictions', [
    { title: 'Of', cell: (r) => str(r.owner), className: 'name' },
    { title: 'Quantity', cell: (r) => str(r.label), className: 'name' },
    { title: 'Value', cell: (r) => str(r.text), className: 'value' },
    { title: 'Formula', cell: (r) => str(r.formula), className: 'formula' },
    { title: 'Line', cell: (r) => str(r.line), className: 'line' },
  ], (r) => str(r.formula), reveal);
}

export function problemsTable(reveal: Reveal) {
  return new LineTable<PreviewModel['problems'][number]>('problems', [
    { title: 'Severity', cell: (p) => str(p.severity), className: 'severity' },
    { title: 'Line', cell: (p) => str(p.line), className: 'line' },
    { title: 'Problem', cell: (p) => str(p.message) },
  ], (p) => `line ${p.line}`, reveal, (p) => ({ 'data-severity': str(p.severity) }));
}

/**
 * Results as data (RFC 4180; a BOM so spreadsheet programs read the units' characters right): a
 * row per figure, value and standard error as plain numbers in the unit of their column, full
 * precision; a bound (≥ a lower bound, ≤ an upper one) in its own column.
 */
export function resultsCsv(rows: FigureRow[]): string {
  const q = (s: unknown) => {
    const t = str(s);
    return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const num = (x: number | undefined) => (x === undefined ? '' : String(x));
  const head = ['run', 'cell', 'quantity', 'value', 'unit', 'stderr', 'bound', 'line'];
  return '\ufeff' + [head.join(','), ...rows.map((r) => [q(r.run), q(r.cell), q(r.quantity), num(r.value), q(r.unit), num(r.stderr), q(r.bound ?? ''), String(r.line)].join(','))].join('\r\n') + '\r\n';
}

/** The results in words (the table) and as numbers (the CSV). */
export function resultsJson(model: PreviewModel): string {
  return JSON.stringify({ title: model.title, uri: model.uri, results: model.results, figures: model.figures }, null, 2);
}
