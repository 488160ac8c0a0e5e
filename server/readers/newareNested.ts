// Neware's "regular export" text (BTS 8.x CSV/TXT): not one table but three nested ones. The first
// lines are one header per level, each indented by one more empty cell:
//   Cycle Index,Chg. Cap.(Ah),…                 the cycle summary
//   ,Step Index,Step Number,Step Type,…         the step summary
//   ,,DataPoint,Time,Total Time,Current(A),…    the records
// and the rows below follow the same indents: a cycle row, then its steps, each followed by its
// records. The first step of a cycle may be written on the cycle's own line, after its cells.
// The records are the data; the cycle and step rows above them give each record its cycle index,
// step index and step type, which the record level does not repeat.
import { classifyColumn, resolveColumns } from './columns';
import { newareNames } from './detect';
import { splitLine } from './delimited';
import { FileHead, forEachLine, headLines } from './text';
import { columnsToKeep, makeTable, signCurrentByState, TableBuilder } from './table';
import { DataError, DataTable, ReadOptions } from './types';

export interface NestedLayout {
  sep: number;
  /** The names of each level's header, without its leading empty cells (level 0 = outermost). */
  levels: string[][];
  /** 1-based line of each level's header. */
  headerLines: number[];
}

const leadingEmpty = (cells: string[]): number => {
  let k = 0;
  while (k < cells.length && cells[k].trim() === '') k++;
  return k;
};

/**
 * The layout when the head starts with two or more header lines indented by 0, 1, 2, … empty
 * cells whose names are Neware's; undefined otherwise.
 */
export function nestedNewareLayout(head: FileHead): NestedLayout | undefined {
  const lines = headLines(head).slice(0, 8);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first < 0) return undefined;
  for (const sep of [44, 9]) {
    const levels: string[][] = [];
    const headerLines: number[] = [];
    for (let i = first; i < lines.length; i++) {
      const cells = splitLine(lines[i], sep, false);
      const indent = leadingEmpty(cells);
      const names = cells.slice(indent).map((c) => c.trim());
      while (names.length && !names[names.length - 1]) names.pop();
      const textual = names.filter((n) => n && Number.isNaN(Number(n))).length;
      if (indent !== levels.length || names.length < 2 || textual < 0.75 * names.length) break;
      levels.push(names);
      headerLines.push(i + 1);
    }
    if (levels.length >= 2 && levels.some((names) => newareNames(names))) return { sep, levels, headerLines };
  }
  return undefined;
}

/** Columns of the upper levels a record inherits: cycle and step indices and the step type. */
function inherited(names: string[]): number[] {
  return names
    .map((n, i) => ({ i, spec: classifyColumn(n, { format: 'neware' }) }))
    .filter(({ spec }) => spec.kind === 'cycle' || spec.kind === 'step' || spec.parse === 'state')
    .map(({ i }) => i);
}

export async function readNewareNested(head: FileHead, options: ReadOptions, layout: NestedLayout): Promise<DataTable> {
  const file = head.file;
  const { sep, levels, headerLines } = layout;
  const deepest = levels.length - 1;
  const columnLine = headerLines[deepest];
  const carried = levels.slice(0, deepest).map(inherited);
  const names = [...levels[deepest], ...carried.flatMap((idx, level) => idx.map((i) => levels[level][i]))];
  const specs = resolveColumns(names, { file, columnLine, format: 'neware', mapping: options.mapping });
  const builder = new TableBuilder(specs, {
    file, columnLine, sep, decimalComma: sep !== 44, keep: columnsToKeep(specs, options.kinds, true),
    expectedRows: Math.ceil(head.size / 120) + 16,
  });
  // The cells of the current cycle and step rows, by level.
  const context: string[][] = levels.map(() => []);
  const values: string[] = new Array(names.length).fill('');
  const recordWidth = levels[deepest].length;
  await forEachLine(head, options, (line, no) => {
    if (no <= columnLine || line.trim() === '') return;
    const cells = splitLine(line, sep, false);
    let level = leadingEmpty(cells);
    if (level > deepest) {
      builder.problem(no, `line ${no} starts with ${level} empty cells; the records of this export start with ${deepest}`, 'warning');
      return;
    }
    // An upper-level row, perhaps with the first row of the next level written after its cells.
    let at = level;
    while (level < deepest) {
      const width = levels[level].length;
      context[level] = cells.slice(at, at + width);
      for (let l = level + 1; l < deepest; l++) context[l] = [];
      at += width;
      level++;
      if (cells.slice(at).every((c) => c.trim() === '')) return;
    }
    for (let c = 0; c < recordWidth; c++) values[c] = cells[at + c] ?? '';
    let k = recordWidth;
    carried.forEach((idx, l) => idx.forEach((i) => { values[k++] = context[l][i] ?? ''; }));
    builder.addCells(values, no);
  });
  const built = builder.finish();
  if (built.rows === 0) throw new DataError(file, columnLine + 1, `no record rows below the record header (line ${columnLine})`);
  const meta: Record<string, string> = {
    encoding: head.encoding, columnLine: String(columnLine),
    layout: `Neware nested export: ${levels.length} header levels (${levels.map((l) => l[0]).join(' > ')}), records read from the deepest`,
  };
  const table = makeTable(file, 'neware', built, meta);
  if (signCurrentByState(table.columns)) table.meta.currentSign = 'signed by the step type (discharge negative)';
  return table;
}
