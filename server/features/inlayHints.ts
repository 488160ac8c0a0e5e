// Inlay hints: the derived values, shown at the end of what they were derived from.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Span } from '../engine/lexer';

export interface InlayHint { offset: number; label: string; tooltip: string }

/** One hint per anchor, at its end, joining the values derived there. */
export function inlayHints(a: SpecAnalysis, range?: Span): InlayHint[] {
  const byAnchor = new Map<number, { label: string[]; tooltip: string[] }>();
  // A range asks only its declarations for their values (a derived value is anchored in its own).
  for (const d of range ? a.derivedIn(range) : a.derived) {
    if (range && (d.anchor.end < range.start || d.anchor.end > range.end)) continue;
    const h = byAnchor.get(d.anchor.end) ?? { label: [], tooltip: [] };
    h.label.push(`${d.label} ${d.text}`);
    h.tooltip.push(`${d.label} = ${d.text}: ${d.formula}`);
    byAnchor.set(d.anchor.end, h);
  }
  return [...byAnchor].sort((x, y) => x[0] - y[0]).map(([offset, h]) => ({ offset, label: '⟶ ' + h.label.join(' · '), tooltip: h.tooltip.join('\n') }));
}
