// The benchmark's own model of a study: declarations with typed property values, rendered either
// as cellspec or as the equivalent YAML (validated by bench/study.schema.json). The generator
// (generate.ts) builds this model directly; fromEngine() builds it from a parsed .cellspec file
// (used for examples/study.cellspec), so both documents go through the same YAML converter.
import { Decl as EngineDecl, PropMap, Value as EngineValue } from '../server/engine/model';
import { SyntaxTree } from '../server/engine/syntax';

/** A property value. `raw` is text that reads the same in both languages (`2.8 V .. 4.3 V`). */
export type BValue =
  | { kind: 'raw'; text: string }
  | { kind: 'word'; word: string }
  | { kind: 'count'; n: number }
  | { kind: 'string'; text: string }
  | { kind: 'strings'; items: string[] }
  | { kind: 'members'; members: { name: string; part?: number }[] }
  | { kind: 'stack'; layers: { name: string; thickness?: string }[] }
  | { kind: 'cathode'; material: string; props: BProp[] };

export interface BProp { key: string; value: BValue; comment?: string }

export interface BDecl {
  keyword: 'import' | 'study' | 'material' | 'composite' | 'cell' | 'protocol' | 'run' | 'compare';
  /** material/composite/cell/protocol name; run: protocol name. */
  name?: string;
  /** cell kind or protocol type; run: cell name. */
  type?: string;
  /** study title or import path. */
  title?: string;
  props: BProp[];
  comment?: string;
}

export const raw = (text: string): BValue => ({ kind: 'raw', text });
export const word = (w: string): BValue => ({ kind: 'word', word: w });
export const str = (text: string): BValue => ({ kind: 'string', text });
export const count = (n: number): BValue => ({ kind: 'count', n });
export const prop = (key: string, value: BValue, comment?: string): BProp => ({ key, value, comment });

// ---------------------------------------------------------------------------------------------
// cellspec

const quote = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

function cellspecValue(v: BValue): string {
  switch (v.kind) {
    case 'raw': return v.text;
    case 'word': return v.word;
    case 'count': return String(v.n);
    case 'string': return quote(v.text);
    case 'strings': return v.items.map(quote).join(', ');
    case 'members': {
      const names = v.members.map((m) => m.name).join(' : ');
      return v.members.some((m) => m.part !== undefined) ? `${names} = ${v.members.map((m) => m.part).join(' : ')}` : names;
    }
    case 'stack': return v.layers.map((l) => (l.thickness ? `${l.name} ${l.thickness}` : l.name)).join(' | ');
    case 'cathode': return `${v.material} { ${v.props.map((p) => `${p.key} ${cellspecValue(p.value)}`).join('; ')} }`;
  }
}

export function toCellspec(decls: BDecl[]): string {
  const out: string[] = [];
  const withComment = (line: string, comment?: string) => (comment ? `${line.padEnd(34)} # ${comment}` : line);
  for (const d of decls) {
    if (d.comment) out.push(...d.comment.split('\n').map((c) => `# ${c}`));
    if (d.keyword === 'import') { out.push(`import ${quote(d.title!)}`, ''); continue; }
    const header = d.keyword === 'study' ? `study ${quote(d.title!)}`
      : d.keyword === 'run' ? `run ${d.name} on ${d.type}`
      : `${d.keyword} ${d.name}${d.type ? ' ' + d.type : ''}`;
    out.push(`${header} {`);
    for (const p of d.props) {
      const line = p.key === '1C' ? `  1C = ${cellspecValue(p.value)}` : `  ${p.key} ${cellspecValue(p.value)}`;
      out.push(withComment(line, p.comment));
    }
    out.push('}', '');
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// YAML: one section per declaration keyword; named declarations become keys, runs a list.

const SECTIONS: Record<Exclude<BDecl['keyword'], 'import' | 'study' | 'run'>, string> = {
  material: 'materials', composite: 'composites', cell: 'cells', protocol: 'protocols', compare: 'comparisons',
};

/** A plain scalar when YAML reads it back as the same string, else a double-quoted one. */
function yamlScalar(s: string): string {
  const plainOk = s.length > 0 && !/^[\s\-?:,\[\]{}#&*!|>'"%@`]|[:#]\s|:$|\s#|[,\[\]{}]|\s$/.test(s)
    && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(s) && !/^[-+]?\.?\d/.test(s);
  return plainOk ? s : JSON.stringify(s);
}
/** Quantities and the like stay plain when they can (`25 °C`, `-0.4 V`, `0.5, 1, 2 mA/cm²`). */
function yamlRaw(s: string): string {
  return /^[-+]?[\d.]/.test(s) && !/[:#]\s|\s#|[\[\]{}]|:$/.test(s) ? s : yamlScalar(s);
}
function yamlFlowItem(s: string): string {
  return /^[-+]?[\d.]/.test(s) && !/[:#,\[\]{}]/.test(s) ? s : /[,\[\]{}:#]/.test(s) ? JSON.stringify(s) : yamlScalar(s);
}

function yamlValue(v: BValue): string {
  switch (v.kind) {
    case 'raw': return yamlRaw(v.text);
    case 'word': return yamlScalar(v.word);
    case 'count': return String(v.n);
    case 'string': return JSON.stringify(v.text);
    case 'strings': return `[${v.items.map((s) => JSON.stringify(s)).join(', ')}]`;
    case 'members':
      if (v.members.length === 1 && v.members[0].part === undefined) return yamlScalar(v.members[0].name);
      return `{${v.members.map((m) => `${yamlFlowItem(m.name)}: ${m.part ?? 1}`).join(', ')}}`;
    case 'stack': return `[${v.layers.map((l) => yamlFlowItem(l.thickness ? `${l.name} ${l.thickness}` : l.name)).join(', ')}]`;
    case 'cathode': return `{material: ${yamlFlowItem(v.material)}, ${v.props.map((p) => `${p.key}: ${yamlFlowItem(cellspecValue(p.value))}`).join(', ')}}`;
  }
}

export function toYaml(decls: BDecl[], schemaUri?: string): string {
  const out: string[] = [];
  if (schemaUri) out.push(`# yaml-language-server: $schema=${schemaUri}`);
  const comment = (d: BDecl, indent: string) => { if (d.comment) out.push(...d.comment.split('\n').map((c) => `${indent}# ${c}`)); };
  const props = (ps: BProp[], indent: string) => {
    for (const p of ps) {
      const line = `${indent}${yamlFlowKey(p.key)}: ${yamlValue(p.value)}`;
      out.push(p.comment ? `${line.padEnd(36)} # ${p.comment}` : line);
    }
  };
  const imports = decls.filter((d) => d.keyword === 'import');
  if (imports.length) {
    comment(imports[0], '');
    out.push('imports:');
    for (const d of imports) { if (d !== imports[0]) comment(d, '  '); out.push(`  - ${yamlScalar(d.title!)}`); }
    out.push('');
  }
  const study = decls.find((d) => d.keyword === 'study');
  if (study) {
    comment(study, '');
    out.push('study:', `  title: ${JSON.stringify(study.title ?? '')}`);
    props(study.props, '  ');
    out.push('');
  }
  for (const [keyword, section] of Object.entries(SECTIONS)) {
    const ds = decls.filter((d) => d.keyword === keyword);
    if (!ds.length) continue;
    out.push(`${section}:`);
    for (const d of ds) {
      comment(d, '  ');
      out.push(`  ${yamlFlowKey(d.name!)}:`);
      if (keyword === 'cell') out.push(`    kind: ${d.type}`);
      if (keyword === 'protocol') out.push(`    type: ${d.type}`);
      props(d.props, '    ');
      out.push('');
    }
  }
  const runs = decls.filter((d) => d.keyword === 'run');
  if (runs.length) {
    out.push('runs:');
    for (const d of runs) {
      comment(d, '  ');
      out.push(`  - protocol: ${yamlFlowKey(d.name!)}`, `    cell: ${yamlFlowKey(d.type!)}`);
      props(d.props, '    ');
      out.push('');
    }
  }
  return out.join('\n');
}

function yamlFlowKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$|^1C$/.test(k) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(k) ? k : JSON.stringify(k);
}

// ---------------------------------------------------------------------------------------------
// From the engine's model of a parsed file (source slices keep the numbers as written; comments
// are kept: a property's trailing comment, and the comment lines above a declaration).

export function fromEngine(decls: EngineDecl[], tree: SyntaxTree): BDecl[] {
  const text = tree.text;
  const slice = (a: { start: number }, b: { end: number }) => text.slice(a.start, b.end);
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length - 1;
  const trailing = new Map<number, string>();
  const ownLine: { line: number; text: string }[] = [];
  for (const c of tree.comments) {
    const line = lineOf(c.start);
    const body = c.text.replace(/^#\s?/, '');
    if (text.slice(text.lastIndexOf('\n', c.start - 1) + 1, c.start).trim() === '') ownLine.push({ line, text: body });
    else trailing.set(line, body);
  }
  const value = (v: EngineValue, p: PropMap extends Map<string, infer E> ? E : never): BValue => {
    const vals = p.prop.values;
    switch (v.shape) {
      case 'quantity': case 'tolerance': case 'range': case 'list': case 'countAtRate': case 'every': case 'flag':
        // A number token carries the unit written after it (`0.5 µm`): the value ends after it.
        return raw(text.slice(vals[0].start, Math.max(...vals.map((t) => t.unit?.end ?? t.end))));
      case 'oneC': return raw(slice(v.q, v.q));
      case 'count': return count(v.n);
      case 'enum': return word(v.word);
      case 'ref': return word(v.ref.name);
      case 'string': return str(v.text);
      case 'strings': return { kind: 'strings', items: v.items.map((i) => i.text) };
      case 'members': return { kind: 'members', members: v.members.map((m, i) => ({ name: m.name, part: v.parts?.[i]?.n })) };
      case 'stack': return { kind: 'stack', layers: v.layers.map((l) => ({ name: l.ref.name, thickness: l.thickness && slice(l.thickness, l.thickness) })) };
      case 'cathode': return { kind: 'cathode', material: v.ref.name, props: props(v.props, false) };
      case 'columns': return raw(text.slice(p.prop.start, p.prop.end));
      case 'number': return raw(String(v.n));
      case 'assignments': case 'bounds': case 'names': return raw(text.slice(vals[0].start, p.prop.end));
    }
  };
  const props = (m: PropMap, comments = true): BProp[] =>
    [...m].flatMap(([key, e]) => (e.value ? [prop(key, value(e.value, e), comments ? trailing.get(lineOf(e.prop.start)) : undefined)] : []));
  let prevEnd = -1;
  return decls.map((d): BDecl => {
    const line = lineOf(d.syntax.start);
    const above = ownLine.filter((c) => c.line > prevEnd && c.line < line).map((c) => c.text);
    prevEnd = lineOf(d.syntax.end);
    const comment = above.length ? above.join('\n') : undefined;
    switch (d.keyword) {
      case 'import': return { keyword: 'import', title: d.importPath!.text, props: [], comment };
      case 'study': return { keyword: 'study', title: d.title, props: props(d.props), comment };
      case 'run': return { keyword: 'run', name: d.protocolRef!.name, type: d.cellRef!.name, props: props(d.props), comment };
      default: return { keyword: d.keyword, name: d.name!.name, type: d.type?.name, props: props(d.props), comment };
    }
  });
}
