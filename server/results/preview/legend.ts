// One colour per build across every chart of the page. Where the spec declares replicates, a build
// is a declared cell with its replicates (as builds.ts aggregates them), so a build's cells share
// its colour and one legend entry. Otherwise a build is the anode a cell is made with (Li, or Li
// with an interlayer: "Li-LNT10F", the study's naming), so sym-Li, half-Li and full-Li share a
// colour and comparing anodes reads the same in the CCD, stripping and cycling charts; a cell
// without a metal anode is its own build. Palette positions follow the order in which the spec
// declares the builds' first cells, so editing one run never recolours the others.
import type { LegendEntry } from '../../../protocol/preview';
import { cellFacts } from '../../engine/compute';
import { buildOf, Decl } from '../../engine/model';
import { SpecAnalysis } from '../../engine/specAnalysis';

/** "Li", "Li-LNT10F", or the cell's own name. */
export function anodeOf(cell: Decl, a: SpecAnalysis): string {
  const f = cellFacts(cell, a.scope);
  const metal = f.anode?.metal.name?.name;
  const interlayer = f.interlayer?.name?.name;
  if (metal) return interlayer ? `${metal}-${interlayer}` : metal;
  return cell.name?.name ?? '?';
}

export interface Legend {
  entries: LegendEntry[];
  /** The build of a cell by name (cells the spec does not declare are their own build). */
  keyOf(cell: string): string;
}

/** The cells a declaration stands for: a build's replicates, or the cell itself. */
const cellsOf = (d: Decl): Decl[] => (d.replicates?.length ? d.replicates : [d]);

/** The legend of the spec's cells: this file's in order, then those it imports. */
export function buildLegend(a: SpecAnalysis): Legend {
  const all = [...a.scope.cell.values()];
  const replicated = all.some((d) => d.replicates?.length);
  const keyOfCell = (cell: Decl) => (replicated ? buildOf(cell).name?.name ?? '?' : anodeOf(cell, a));
  const own = a.file.decls.filter((d) => d.keyword === 'cell' && d.name).flatMap(cellsOf);
  const imported = all.filter((d) => !own.includes(d) && d.name && !d.replicates?.length);
  const byCell = new Map<string, string>();
  const entries: LegendEntry[] = [];
  const entryOf = (key: string) => entries.find((e) => e.key === key) ?? (entries.push({ key, index: entries.length, cells: [] }), entries[entries.length - 1]);
  for (const cell of [...own, ...imported]) {
    const name = cell.name!.name;
    if (byCell.has(name)) continue;
    const key = keyOfCell(cell);
    byCell.set(name, key);
    entryOf(key).cells.push(name);
  }
  // A build declared with replicates is not itself one of its cells, but a run may still name it.
  for (const d of all) if (d.replicates?.length && d.name && !byCell.has(d.name.name)) byCell.set(d.name.name, keyOfCell(d));
  return {
    entries,
    keyOf: (cell) => {
      const key = byCell.get(cell);
      if (key) return key;
      // A run on a cell the scope does not know still gets a stable colour of its own.
      byCell.set(cell, cell);
      entryOf(cell).cells.push(cell);
      return cell;
    },
  };
}

/** Only the builds some chart draws, keeping their palette positions. */
export function usedEntries(legend: Legend, keys: Iterable<string>): LegendEntry[] {
  const used = new Set(keys);
  return legend.entries.filter((e) => used.has(e.key));
}
