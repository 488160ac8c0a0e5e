// "Show Derived Values": every value the plan implies, as one Markdown page grouped by the
// declaration it belongs to (with its line), each with its formula and inputs. The same
// values the hovers, inlay hints and the preview's predictions show (a.derived). Written to read
// well as text too: the client shows it in an editor.
import { Derived } from '../engine/compute';
import { SpecAnalysis } from '../engine/specAnalysis';

/** The page for a spec: a heading per owner, a bullet per value. */
export function derivedValuesMarkdown(a: SpecAnalysis): string {
  const name = decodeURIComponent(a.file.uri.slice(a.file.uri.lastIndexOf('/') + 1));
  const out = [`# Derived values of ${name}`, ''];
  if (!a.derived.length) {
    out.push('This plan implies no values yet: give a cell its diameter and stack, or a protocol its currents.', '');
    return out.join('\n');
  }
  out.push('What the plan implies, computed from what it declares (the same values as the hovers and inlay hints).', '');
  for (const [owner, values] of byOwner(a.derived)) {
    const line = a.file.lines.position(values[0].anchor.start).line + 1;
    out.push(`## ${owner} (line ${line})`, '');
    for (const d of values) out.push(...describe(d));
    out.push('');
  }
  return out.join('\n');
}

function byOwner(derived: readonly Derived[]): Map<string, Derived[]> {
  const groups = new Map<string, Derived[]>();
  for (const d of derived) groups.set(d.owner, [...(groups.get(d.owner) ?? []), d]);
  return groups;
}

function describe(d: Derived): string[] {
  const inputs = d.inputs.filter(Boolean);
  return [`- **${d.label}** = ${d.text}`, `  - ${d.formula}`, ...(inputs.length ? [`  - from: ${inputs.join('; ')}`] : [])];
}
