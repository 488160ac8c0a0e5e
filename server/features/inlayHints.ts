// Inlay hints: the derived values, shown at the end of what they were derived from. A line's hints
// must fit VS Code's editor.inlayHints.maximumLength (43 characters) or the editor cuts them, so
// each value is a short part (its hint form, or "label text" without a doubled word), the parts
// are joined while they fit, and the rest stays in the tooltip.
import { Derived } from '../engine/compute';
import { SpecAnalysis } from '../engine/specAnalysis';
import { Span } from '../engine/lexer';

export interface InlayHint {
  offset: number;
  label: string;
  tooltip: string;
  /** The label's parts, most important first: hints at one place are merged from these. */
  parts: string[];
}

/** VS Code's default editor.inlayHints.maximumLength: the characters of one line's hints before the editor cuts them. */
export const HINT_LENGTH = 43;
const ARROW = '⟶ ';
const SEP = ' · ';

/**
 * The parts that fit, in order: one that does not fit is left out (a later, shorter one may
 * still fit) and an ellipsis says so. The first part always shows: it is the key figure.
 */
export function hintLabel(parts: string[], budget = HINT_LENGTH): string {
  let label = ARROW + (parts[0] ?? '');
  let left = false;
  for (const p of parts.slice(1)) {
    if ((label + SEP + p).length <= budget) label += SEP + p;
    else left = true;
  }
  return left && (label + ' …').length <= budget ? label + ' …' : label;
}

/** "30 steps", not "steps 30 steps": the label only when the text does not already say it. */
export function hintPart(d: Pick<Derived, 'label' | 'text' | 'hint'>): string {
  if (d.hint) return d.hint;
  const said = new RegExp(`(^|[\\s(])${d.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s,)])`, 'i').test(d.text);
  return said ? d.text : `${d.label} ${d.text}`;
}

/** One hint per anchor, at its end, joining the values derived there. */
export function inlayHints(a: SpecAnalysis, range?: Span): InlayHint[] {
  const byAnchor = new Map<number, { parts: string[]; tooltip: string[] }>();
  // A range asks only its declarations for their values (a derived value is anchored in its own).
  for (const d of range ? a.derivedIn(range) : a.derived) {
    if (range && (d.anchor.end < range.start || d.anchor.end > range.end)) continue;
    const h = byAnchor.get(d.anchor.end) ?? { parts: [], tooltip: [] };
    h.parts.push(hintPart(d));
    h.tooltip.push(`${d.label} = ${d.text}: ${d.formula}`);
    byAnchor.set(d.anchor.end, h);
  }
  return [...byAnchor].sort((x, y) => x[0] - y[0]).map(([offset, h]) => ({ offset, label: hintLabel(h.parts), tooltip: h.tooltip.join('\n'), parts: h.parts }));
}

/** Hints at one offset as one: the parts of the first (the measured results) before the others'. */
export function mergeHints(hints: InlayHint[]): InlayHint {
  const parts = hints.flatMap((h) => h.parts);
  return { offset: hints[0].offset, label: hintLabel(parts), tooltip: hints.map((h) => h.tooltip).join('\n\n'), parts };
}
