// The quick fix "Create material X" for a layer name nothing declares: a `material X { role ... }`
// skeleton at the end of the file's materials (after its last material), or, in a file without
// any, before its first composite, cell, protocol or run: after the declaration before it (the
// study, an import), so above the comments that head the cells; or above the first declaration's
// own comment when nothing comes before it. The
// role is guessed from where the name is used (a cathode, a composite's binder, the outer layer of
// a stack) and offered first among the others; a cathode gets the capacity and window C-rates need.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Reference } from '../engine/scope';
import { GROUP_ROLES, MATERIAL_ROLES, propSpec } from '../engine/schema';
import { value } from '../engine/model';
import { declAt } from './locate';
import { noteStart } from './notes';
import { propertySnippet, Snippet } from './snippets';

/** Where the name is used says what it likely is. */
function guessRole(a: SpecAnalysis, r: Reference): string {
  const d = declAt(a, r.start);
  for (const [key, e] of d?.props ?? []) {
    if (r.start < e.prop.start || r.end > e.prop.end) continue;
    if (e.value?.shape === 'cathode') return 'cathode';
    if (e.value?.shape === 'members') return GROUP_ROLES[key as keyof typeof GROUP_ROLES] ?? 'carbon';
    const layers = value(d!.props, 'stack', 'stack')?.layers;
    if (layers) {
      const i = layers.findIndex((l) => l.ref.start === r.start);
      // The outer layers of a stack are its current collectors; a layer given a thickness inside is most often an electrolyte.
      if (layers.length > 2 && (i === 0 || i === layers.length - 1) && !layers[i].thickness) return 'collector';
      return 'electrolyte';
    }
  }
  return 'electrolyte';
}

function skeleton(name: string, role: string): Snippet {
  const s = new Snippet().text(`material ${name} {\n  role `).choice([role, ...MATERIAL_ROLES.filter((x) => x !== role)]);
  if (role === 'cathode') {
    // What C-rate currents and the cycling-window check need.
    for (const key of ['capacity', 'window']) s.text('\n  ').append(propertySnippet(propSpec('material', key)!, () => undefined));
  }
  return s.text('\n}');
}

/** Where the new material goes, and the text around it that keeps one blank line on each side. */
function placement(a: SpecAnalysis): { offset: number; before: string; after: string } {
  const text = a.file.text;
  const materials = a.file.decls.filter((d) => d.keyword === 'material');
  if (materials.length) {
    // After the last material's line (its closing brace may carry a comment).
    const end = materials[materials.length - 1].syntax.end;
    const nl = text.indexOf('\n', end);
    return { offset: nl < 0 ? text.length : nl, before: '\n\n', after: '' };
  }
  const i = a.file.decls.findIndex((d) => d.keyword === 'composite' || d.keyword === 'cell' || d.keyword === 'protocol' || d.keyword === 'run');
  if (i > 0) {
    // Right after what comes before (the study, an import): above the comments that head the cells.
    const nl = text.indexOf('\n', a.file.decls[i - 1].syntax.end);
    return { offset: nl < 0 ? text.length : nl, before: '\n\n', after: '' };
  }
  if (i === 0) return { offset: noteStart(a.file, a.file.decls[0]), before: '', after: '\n\n' };
  return { offset: text.length, before: !text.trim() ? '' : text.endsWith('\n') ? '\n' : '\n\n', after: '\n' };
}

export function createMaterial(a: SpecAnalysis, r: Reference): { title: string; edits: { start: number; end: number; newText: string }[]; snippet: { offset: number; text: string } } {
  const s = skeleton(r.name, guessRole(a, r));
  const at = placement(a);
  // The text around it is newlines only: nothing to escape in the snippet.
  return {
    title: `Create material '${r.name}'`,
    edits: [{ start: at.offset, end: at.offset, newText: at.before + s.plain() + at.after }],
    snippet: { offset: at.offset, text: at.before + s.snippet() + at.after },
  };
}
