// Semantic tokens: colours that need the resolved model (a name is a material, a cell or a
// protocol), which the TextMate grammar cannot know.
import { SpecAnalysis } from '../engine/specAnalysis';
import { Decl } from '../engine/model';
import { DECL_KEYWORDS } from '../engine/syntax';

export const TOKEN_TYPES = ['keyword', 'type', 'class', 'function', 'property', 'number', 'string', 'comment', 'operator', 'enumMember', 'unit'] as const;
export const TOKEN_MODIFIERS = ['declaration'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export interface SemanticToken { start: number; end: number; type: TokenType; declaration?: boolean }

function typeOf(d: Decl | undefined): TokenType | undefined {
  if (!d) return undefined;
  return d.keyword === 'cell' ? 'class' : d.keyword === 'protocol' ? 'function' : 'type';
}

export function semanticTokens(a: SpecAnalysis): SemanticToken[] {
  const out: SemanticToken[] = [];
  const keywords = new Set<number>(a.file.decls.map((d) => d.syntax.keyword.start));
  const names = new Map<number, SemanticToken>();
  for (const d of a.file.decls) {
    const t = typeOf(d);
    if (d.name && t && d.keyword !== 'run') names.set(d.name.start, { start: d.name.start, end: d.name.end, type: t, declaration: true });
    if (d.type) names.set(d.type.start, { start: d.type.start, end: d.type.end, type: 'enumMember' });
    for (const r of d.replicates ?? []) names.set(r.name!.start, { start: r.name!.start, end: r.name!.end, type: 'class', declaration: true });
    for (const e of d.props.values()) {
      names.set(e.prop.key.start, { start: e.prop.key.start, end: e.prop.key.end, type: 'property' });
      if (e.value?.shape === 'enum') {
        const w = e.prop.values[0];
        names.set(w.start, { start: w.start, end: w.end, type: 'enumMember' });
      }
      if (e.value?.shape === 'names' && e.spec.words) for (const w of e.value.items) names.set(w.start, { start: w.start, end: w.end, type: 'enumMember' });
      if (e.value?.shape === 'cathode' || e.value?.shape === 'columns') for (const n of e.value.props.values()) names.set(n.prop.key.start, { start: n.prop.key.start, end: n.prop.key.end, type: 'property' });
    }
  }
  for (const r of a.references) {
    const t = typeOf(r.target);
    if (t) names.set(r.start, { start: r.start, end: r.end, type: t });
  }
  for (const tok of a.file.tree.tokens) {
    if (tok.kind === 'comment') out.push({ start: tok.start, end: tok.end, type: 'comment' });
    else if (tok.kind === 'string') out.push({ start: tok.start, end: tok.end, type: 'string' });
    else if (tok.kind === 'number') {
      out.push({ start: tok.start, end: tok.end, type: 'number' });
      if (tok.unit) out.push({ start: tok.unit.start, end: tok.unit.end, type: 'unit' });
    } else if (tok.kind === 'name') {
      const n = names.get(tok.start);
      if (n) out.push(n);
      else if (keywords.has(tok.start) || (DECL_KEYWORDS as string[]).includes(tok.text) || tok.text === 'on' || tok.text === 'at') out.push({ start: tok.start, end: tok.end, type: 'keyword' });
    } else if (tok.kind === 'punct' && !'{};'.includes(tok.text)) out.push({ start: tok.start, end: tok.end, type: 'operator' });
  }
  return out;
}
