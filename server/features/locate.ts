// Finding what is under the cursor: the token, the declaration, the property.
import { declsIn, SpecAnalysis } from '../engine/specAnalysis';
import { Reference } from '../engine/scope';
import { Token } from '../engine/lexer';
import { Decl, PropEntry } from '../engine/model';
import { blockKey } from '../engine/schema';

/** The token containing offset (or ending right at it), by binary search. */
export function tokenAt(tokens: Token[], offset: number): Token | undefined {
  let lo = 0, hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (t.end < offset) lo = mid + 1;
    else if (t.start > offset) hi = mid - 1;
    else {
      // Prefer a real token over a newline/eof that touches the offset.
      if ((t.kind === 'newline' || t.kind === 'eof') && mid > 0 && tokens[mid - 1].end === offset) return tokens[mid - 1];
      return t;
    }
  }
  return undefined;
}

/** The declaration containing offset (the first one when two touch there), by binary search. */
export function declAt(a: SpecAnalysis, offset: number): Decl | undefined {
  return declsIn(a.file.decls, { start: offset, end: offset })[0];
}

export interface PropertyHit { decl: Decl; entry: PropEntry; blockKey: string; nested?: PropEntry }

export function propertyAt(a: SpecAnalysis, offset: number): PropertyHit | undefined {
  const decl = declAt(a, offset);
  if (!decl) return undefined;
  const key = blockKey(decl.keyword, decl.type?.name);
  for (const entry of decl.props.values()) {
    if (entry.prop.start <= offset && offset <= entry.prop.end) {
      const v = entry.value;
      if (v?.shape === 'cathode' || v?.shape === 'columns') {
        for (const n of v.props.values()) if (n.prop.start <= offset && offset <= n.prop.end) return { decl, entry: n, blockKey: v.shape, nested: entry };
      }
      return { decl, entry, blockKey: key };
    }
  }
  return undefined;
}

/** The reference containing offset (the first one when two touch there): only the declarations there are asked. */
export function referenceAt(a: SpecAnalysis, offset: number): Reference | undefined {
  return a.referencesIn({ start: offset, end: offset }).find((r) => r.start <= offset && offset <= r.end);
}

/** A declaration whose own name is under the cursor (a replicate at its name in `replicates`). */
export function declNameAt(a: SpecAnalysis, offset: number): Decl | undefined {
  const at = (d: Decl) => !!d.name && d.name.start <= offset && offset <= d.name.end;
  for (const d of declsIn(a.file.decls, { start: offset, end: offset })) {
    if (d.keyword !== 'run' && at(d)) return d;
    const replicate = d.replicates?.find(at);
    if (replicate) return replicate;
  }
  return undefined;
}

/** The tokens of text[start, end), by binary search. */
export function tokensIn(tokens: Token[], start: number, end: number): Token[] {
  let lo = 0, hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start < start) lo = mid + 1; else hi = mid;
  }
  const out: Token[] = [];
  for (let k = lo; k < tokens.length && tokens[k].end <= end; k++) out.push(tokens[k]);
  return out;
}
