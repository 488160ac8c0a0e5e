// What EC-Lab's text and binary files share beyond column names: the codes of its `mode` column.
import { Column } from './types';

/** EC-Lab's mode codes. */
export const MODE_LABELS: Record<number, string> = { 1: 'CC', 2: 'CV', 3: 'rest' };

/** Labels of the codes that occur in a mode column (unknown codes named by their number). */
export function modeLabels(values: Float64Array): Record<number, string> {
  const seen = new Set<number>();
  for (let k = 0; k < values.length && seen.size < 8; k++) if (values[k] === values[k]) seen.add(values[k]);
  const labels: Record<number, string> = {};
  for (const v of [...seen].sort((a, b) => a - b)) labels[v] = MODE_LABELS[v] ?? `mode ${v}`;
  return labels;
}

/** Give the table's mode column (kind stepType) its labels. */
export function labelModes(columns: Column[]): void {
  for (const c of columns) if (c.kind === 'stepType' && c.name.trim() === 'mode') c.labels = modeLabels(c.values);
}
