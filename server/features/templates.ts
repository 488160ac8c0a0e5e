// The declaration templates completion offers at top level. Each is a snippet whose values are
// tab stops with defaults that agree with each other (a CCD ramp from 0.1 to 2 mA/cm² in
// 0.1 mA/cm² steps, the study's cycling window), whose names are choices of the visible ones,
// and which lists what its block requires: a protocol template per type, with that type's
// required properties. No line of a template ends in whitespace.
import { SpecAnalysis } from '../engine/specAnalysis';
import { BLOCKS, CELL_KINDS, DECL_DOCS, MATERIAL_ROLES, PROTOCOL_TYPES, propSpec } from '../engine/schema';
import type { CompletionItem } from './completion';
import { NameChoices, propertySnippet, Snippet } from './snippets';

/** Beyond the required properties, what a new protocol of the type should say: what bounds its duration (a CCD ramp's end, the pulses, the cycles) and the sweep of its spectra. */
const PLANNED_TOO: Record<string, string[]> = {
  ccd: ['until', 'stop'], conductivity: ['amplitude', 'frequencies'], arrhenius: ['hold', 'amplitude', 'frequencies'],
  gitt: ['pulses'], 'symmetric-cycling': ['cycles', 'stop'],
};

/** A name for a new protocol of each type, as the example study names them. */
const PROTOCOL_NAMES: Record<string, string> = {
  ccd: 'ccd-ramp', strip: 'strip-0p5', sand: 'sand-series', cycling: 'cycling-0p3C', rate: 'rate-test', eis: 'eis-10mV',
  conductivity: 'sigma-25C', arrhenius: 'arrhenius', gitt: 'gitt', 'symmetric-cycling': 'plating-0p5', 'dc-polarisation': 'sigma-e',
};

const INDENT = '  ';

/** The block lines of a new protocol of this type: its required properties (and PLANNED_TOO), each a snippet. */
export function protocolBody(type: string, choices: NameChoices, s = new Snippet()): Snippet {
  const specs = BLOCKS[`protocol ${type}`] ?? [];
  const wanted = specs.filter((p) => p.required || PLANNED_TOO[type]?.includes(p.key));
  wanted.forEach((p, i) => { s.text((i ? '\n' : '') + INDENT).append(propertySnippet(p, choices)); });
  return s;
}

/** A name not yet declared in the namespace: the base, or base-2, base-3, ... */
function freshName(taken: Map<string, unknown>, base: string): string {
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

export function declarationTemplates(a: SpecAnalysis, choices: NameChoices): CompletionItem[] {
  const item = (label: string, s: Snippet, detail: string, filterText?: string): CompletionItem =>
    ({ label, kind: 'snippet', detail, insertText: s.snippet(), snippet: true, filterText });
  const prop = (block: string, key: string) => propertySnippet(propSpec(block, key)!, choices);
  const lines = (block: string, keys: string[]) => {
    const s = new Snippet();
    keys.forEach((k, i) => s.text((i ? '\n' : '') + INDENT).append(prop(block, k)));
    return s;
  };
  const sized = !!a.scope.study && (a.scope.study.props.has('diameter') || a.scope.study.props.has('area'));
  const protocols = [...a.scope.protocol.keys()];
  const cells = [...a.scope.cell.keys()];
  const builds = [...a.scope.cell.values()].filter((d) => !d.build).map((d) => d.name!.name);
  return [
    item('import', new Snippet().text('import "').stop('materials.cellspec').text('"'), DECL_DOCS.import),
    item('study', new Snippet().text('study "').stop('title').text('" {\n').append(lines('study', ['temperature', 'pressure', 'diameter'])).text('\n}'), DECL_DOCS.study),
    // A new material is most often a new electrolyte; a metal would also need its density and molar mass.
    item('material', new Snippet().text('material ').stop('name').text(' {\n  role ').choice(['electrolyte', ...MATERIAL_ROLES.filter((r) => r !== 'electrolyte')]).text('\n}'), DECL_DOCS.material),
    item('composite', new Snippet().text('composite ').stop('name').text(' {\n').append(lines('composite', ['carbon', 'binder', 'ratio', 'thickness'])).text('\n}'), DECL_DOCS.composite),
    // A cell needs its size unless the study gives every cell one.
    item('cell', new Snippet().text('cell ').stop('name').text(' ').choice(CELL_KINDS).text(' {\n')
      .append(sized ? new Snippet() : lines('cell', ['diameter']).text('\n'))
      .text('  stack ').stop('Cu | Li 50 µm | LPSC 600 µm | Li 50 µm | Cu').text('\n}'), DECL_DOCS.cell),
    ...PROTOCOL_TYPES.map((t) => item(`protocol ${t}`,
      protocolBody(t, choices, new Snippet().text('protocol ').stop(freshName(a.scope.protocol, PROTOCOL_NAMES[t])).text(` ${t} {\n`)).text('\n}'),
      `${DECL_DOCS.protocol} This one: ${t}, with its required properties.`, `protocol ${t}`)),
    // A run names a protocol and a cell that exist; without data yet it is a plan.
    item('run', new Snippet().text('run ').choice(protocols, 'protocol').text(' on ').choice(cells, 'cell').text(' {\n  note "').stop('what this run is for').text('"\n}'), DECL_DOCS.run),
    // A comparison names builds: cells that are not a replicate of another; two different ones by default.
    item('compare', new Snippet().text('compare ').stop(freshName(new Map(a.file.decls.filter((d) => d.keyword === 'compare' && d.name).map((d) => [d.name!.name, d])), 'builds')).text(' {\n  builds ').choice(builds, 'build-a').text(', ').choice([...builds.slice(1), ...builds.slice(0, 1)], 'build-b').text('\n}'), DECL_DOCS.compare),
  ];
}
