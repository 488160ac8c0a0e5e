// A BdfTable as one CSV table (RFC 4180 quoting, "\n" line ends): a header row of column names,
// one row per data point. Numbers print as JavaScript's shortest round trip of the value held,
// so the text reads back as the same double the Parquet form stores; NaN (no value) is empty.
import { BdfTable, OutColumn } from './bdf';

/** Rows per chunk handed to the writer: a few hundred kilobytes of text. */
const CHUNK_ROWS = 8192;

export function quoteCsv(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsvNumber(v: number): string {
  if (v !== v) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

/** The table's text in chunks (header first), so a million rows never become one string. */
export function* csvChunks(t: BdfTable): Generator<string> {
  yield t.columns.map((c) => quoteCsv(c.name)).join(',') + '\n';
  const cells = t.columns.map(cellWriter);
  for (let start = 0; start < t.rows; start += CHUNK_ROWS) {
    const end = Math.min(t.rows, start + CHUNK_ROWS);
    const lines: string[] = new Array(end - start);
    for (let r = start; r < end; r++) {
      let line = cells[0](r);
      for (let c = 1; c < cells.length; c++) line += ',' + cells[c](r);
      lines[r - start] = line;
    }
    yield lines.join('\n') + '\n';
  }
}

function cellWriter(c: OutColumn): (row: number) => string {
  const v = c.values;
  if (c.type !== 'text') {
    // Rows come in order and runs of one value are common (a cycle, a step, a rest at 0 A).
    let last = NaN, text = '';
    return (r) => {
      const x = v[r];
      if (x !== last || text === '') { last = x; text = formatCsvNumber(x); }
      return text;
    };
  }
  const labels = new Map<number, string>();
  for (const [code, label] of Object.entries(c.labels ?? {})) labels.set(Number(code), quoteCsv(label));
  return (r) => (v[r] !== v[r] ? '' : labels.get(v[r]) ?? String(v[r]));
}
