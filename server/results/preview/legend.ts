// One colour per build across every chart of the page. A build is the anode a cell is made with
// (Li, or Li with an interlayer: "Li-LNT10F", the study's naming), so sym-Li, half-Li and full-Li
// share a colour and comparing anodes reads the same in the CCD, stripping and cycling charts. A
// cell without a metal anode is its own build. Palette positions follow the order in which the
// spec declares the builds' first cells, so editing one run never recolours the others.
import type { LegendEntry } from '../../../protocol/preview';
import { cellFacts } from '../../engine/compute';
import { Decl } from '../../engine/model';
import { SpecAnalysis } from '../../engine/specAnalysis';

/** "Li", "Li-LNT10F", or the cell's own name. */
export function buildOf(cell: Decl, a: SpecAnalysis): string {
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

/** The legend of the spec's cells: this file's in order, then those it imports. */
export function buildLegend(a: SpecAnalysis): Legend {
  const own = a.file.decls.filter((d) => d.keyword === 'cell' && d.name);
  const imported = [...a.scope.cell.values()].filter((d) => !own.includes(d) && d.name);
  const byCell = new Map<string, string>();
  const entries: LegendEntry[] = [];
  for (const cell of [...own, ...imported]) {
    const name = cell.name!.name;
    if (byCell.has(name)) continue;
    const key = buildOf(cell, a);
    byCell.set(name, key);
    let entry = entries.find((e) => e.key === key);
    if (!entry) entries.push(entry = { key, index: entries.length, cells: [] });
    entry.cells.push(name);
  }
  return {
    entries,
    keyOf: (cell) => {
      const key = byCell.get(cell);
      if (key) return key;
      // A run on a cell the scope does not know still gets a stable colour of its own.
      byCell.set(cell, cell);
      entries.push({ key: cell, index: entries.length, cells: [cell] });
      return cell;
    },
  };
}

/** Only the builds some chart draws, keeping their palette positions. */
export function usedEntries(legend: Legend, keys: Iterable<string>): LegendEntry[] {
  const used = new Set(keys);
  return legend.entries.filter((e) => used.has(e.key));
}
