// Semantic checks on a resolved file: references, required properties, ratios, and the
// plausibility ranges of domain.md (warnings, not hard limits).
import type { SpecOptions, Reference, Scope } from './scope';
import { cellFacts, cRateCurrents } from './compute';
import { ARGYRODITE, ELECTRONVOLT, sandTime } from '../domain/physics';
import { parameterNames, parseCircuit } from '../domain/circuit';
import { Span } from './lexer';
import { Decl, enumValue, headerSpan, PropMap, quantity, Quantity, value } from './model';
import { BLOCKS, blockKey, PropSpec } from './schema';
import { checkCompare, checkRunCell } from './checkBuilds';
import { closest, SuggestionBudget, suggestionBudget } from './suggest';
import { Diagnostic } from './syntax';
import { parseUnit, toSI, Unit } from '../domain/units';
import { formatQuantity as fq } from '../domain/format';
import { ParsedFile } from './workspace';

type Severity = Diagnostic['severity'];

/**
 * `only`: check these declarations instead of all of the file's (the analysis checks one at a time
 * and keeps the results of those that did not change). Rules of one declaration may read it and,
 * through the scope, what its names reach; `budget` is shared by the calls of one analysis.
 */
export function check(file: ParsedFile, scope: Scope, refs: Reference[], out: Diagnostic[], options: SpecOptions,
  { only, budget = suggestionBudget() }: { only?: Decl[]; budget?: SuggestionBudget } = {}) {
  const report = (s: Span, severity: Severity, code: string, message: string, extra: Partial<Diagnostic> = {}) =>
    out.push({ start: s.start, end: Math.max(s.end, s.start + 1), severity, code, message, ...extra });

  // Suggestions among names the input declares share one budget, so hostile input stays linear.
  if (refs.length) checkReferences(refs, scope, report, budget);
  for (const d of only ?? file.decls) {
    checkRequired(d, scope, file, report);
    if (d.keyword === 'composite') checkComposite(d, scope, report);
    if (d.keyword === 'protocol') checkEisReference(d, scope, report);
    checkCircuit(d, file, report, budget);
    if (d.keyword === 'cell') checkCell(d, scope, report);
    if (d.keyword === 'run') checkRun(d, scope, report, options.plausibility !== false);
    if (d.keyword === 'run') checkRunCell(d, scope, report);
    if (d.keyword === 'compare') checkCompare(d, file, scope, report);
    if (d.keyword === 'protocol' && (d.type?.name === 'cycling' || d.type?.name === 'rate')) checkWindow(d.props, report);
    if (d.keyword === 'protocol' && d.type?.name === 'arrhenius') checkTemperatures(d.props, report);
    if (options.plausibility !== false) checkRanges(d, scope, report);
  }
}

type Report = (s: Span, severity: Severity, code: string, message: string, extra?: Partial<Diagnostic>) => void;

const NS_WORDS: Record<Reference['ns'], string> = { layer: 'material or composite', cell: 'cell', protocol: 'protocol' };

function checkReferences(refs: Reference[], scope: Scope, report: Report, budget: SuggestionBudget) {
  // The names of each namespace are listed once, and each unknown name is looked up once.
  const names = new Map<Reference['ns'], string[]>();
  const guesses = new Map<string, string | undefined>();
  const suggest = (r: Reference) => {
    const key = r.ns + ' ' + r.name;
    if (!guesses.has(key)) {
      let candidates = names.get(r.ns);
      if (!candidates) names.set(r.ns, (candidates = [...scope[r.ns].keys()]));
      guesses.set(key, closest(r.name, candidates, budget));
    }
    return guesses.get(key);
  };
  // A formula written as a name ("Li6PS5Cl" for LPSC): each material has one name, found by its formula.
  let byFormula: Map<string, string> | undefined;
  const named = (r: Reference) => {
    if (r.ns !== 'layer') return undefined;
    if (!byFormula) {
      byFormula = new Map();
      const shared = new Set<string>();
      for (const [name, d] of scope.layer) {
        const f = value(d.props, 'formula', 'string')?.text;
        if (!f || f === name) continue;
        if (byFormula.has(f)) shared.add(f); else byFormula.set(f, name);
      }
      shared.forEach((f) => byFormula!.delete(f)); // "C" is graphite, carbon black and the nanotubes: no guess
    }
    return byFormula.get(r.name);
  };
  for (const r of refs) {
    if (r.target) continue;
    const formula = named(r);
    const guess = formula ?? suggest(r);
    report(r, 'error', 'undefined-reference', `no ${NS_WORDS[r.ns]} named '${r.name}'` + (formula ? `. Did you mean '${formula}' (${r.name})?` : guess ? `. Did you mean '${guess}'?` : ''),
      guess ? { fixes: [{ title: `Change to '${guess}'`, start: r.start, end: r.end, newText: guess }] } : {});
  }
}


function missing(d: Decl, file: ParsedFile, spec: PropSpec, report: Report, why = '') {
  const block = d.syntax.block;
  const fixes: Diagnostic['fixes'] = [];
  if (block?.close) {
    // Insert the example line before the closing brace, indented like the block's properties.
    const lineStart = file.lines.lineStart(file.lines.position(block.close.start).line);
    const beforeBrace = file.text.slice(lineStart, block.close.start);
    const indent = (beforeBrace.match(/^[ \t]*/)?.[0] ?? '') + '  ';
    if (beforeBrace.trim() === '') fixes.push({ title: `Add '${spec.key}'`, start: lineStart, end: lineStart, newText: `${indent}${spec.example}\n` });
    else fixes.push({ title: `Add '${spec.key}'`, start: block.close.start, end: block.close.start, newText: `; ${spec.example} ` });
  }
  report(headerSpan(d), 'error', 'missing-property', `missing '${spec.key}'${why}: e.g. ${spec.example}`, { fixes });
}

function checkRequired(d: Decl, scope: Scope, file: ParsedFile, report: Report) {
  if (!d.syntax.block || d.keyword === 'import') return;
  const key = blockKey(d.keyword, d.type?.name);
  const specs = BLOCKS[key];
  if (!specs) return;
  // A misspelled key was already reported with its did-you-mean; do not also call it missing.
  const misspelt = new Set(d.syntax.block.props.map((p) => p.key.text).filter((k) => !specs.some((s) => s.key === k)).map((k) => closest(k, specs.map((s) => s.key))));
  for (const spec of specs) if (spec.required && !d.props.has(spec.key) && !misspelt.has(spec.key)) missing(d, file, spec, report);
  const spec = (k: string) => specs.find((s) => s.key === k)!;
  if (d.keyword === 'material' && enumValue(d.props, 'role') === 'metal') {
    for (const k of ['density', 'molar-mass']) if (!d.props.has(k)) missing(d, file, spec(k), report, ' (a metal anode needs it for its Li inventory)');
  }
  if ((d.keyword === 'cell' || d.keyword === 'study') && d.props.has('diameter') && d.props.has('area')) {
    report(d.props.get('area')!.prop.key, 'error', 'conflicting-property', "give either 'diameter' or 'area', not both",
      { related: [{ uri: d.uri, start: d.props.get('diameter')!.prop.start, end: d.props.get('diameter')!.prop.end, message: 'the diameter' }] });
  }
  if (d.keyword === 'cell') {
    const has = (k: string) => d.props.has(k) || !!scope.study?.props.has(k);
    if (!has('diameter') && !has('area')) missing(d, file, spec('diameter'), report, ' (or area, here or in the study)');
    if (d.type?.name === 'full' && !d.props.has('cathode')) missing(d, file, spec('cathode'), report, ' (a full cell has a cathode)');
  }
  for (const e of d.props.values()) {
    const v = e.value;
    if (v?.shape === 'cathode') {
      for (const s of BLOCKS.cathode) {
        if (s.required && !v.props.has(s.key)) {
          report(e.prop.key, 'error', 'missing-property', `missing '${s.key}' in the cathode: e.g. ${s.example}`);
        }
      }
    }
  }
}

/** A circuit string is parsed here so its errors sit at their place inside the string. */
function checkCircuit(d: Decl, file: ParsedFile, report: Report, budget: SuggestionBudget) {
  const e = d.props.get('circuit');
  if (!e || e.value?.shape !== 'string') return;
  const tok = e.prop.values[0];
  const parsed = parseCircuit(e.value.text);
  if (parsed.ok) {
    // Fixed and bounded parameters must be parameters of this circuit.
    const names = parameterNames(parsed.circuit).map((p) => p.name);
    const known = new Set(names);
    let listed: string | undefined; // joined once: a circuit may have thousands of parameters
    for (const key of ['fix', 'bound']) {
      const v = d.props.get(key)?.value;
      if (!v || (v.shape !== 'assignments' && v.shape !== 'bounds')) continue;
      for (const item of v.items) {
        if (known.has(item.name)) continue;
        const guess = closest(item.name, names, budget);
        report(item, 'error', 'unknown-parameter', `'${item.name}' is not a parameter of ${e.value.text}` + (guess ? `. Did you mean '${guess}'?` : `; its parameters are ${(listed ??= names.join(', '))}`),
          guess ? { fixes: [{ title: `Change to '${guess}'`, start: item.start, end: item.end, newText: guess }] } : {});
      }
    }
    return;
  }
  // Offsets are in the unescaped text; circuit strings have no escapes in practice, so +1 for the quote.
  const raw = file.text.slice(tok.start + 1, tok.end - 1) === e.value.text;
  for (const err of parsed.errors.slice(0, 5)) {
    const span = raw ? { start: tok.start + 1 + err.offset, end: tok.start + 1 + err.offset + Math.max(1, err.length) } : tok;
    report(span, 'error', 'circuit-syntax', `circuit: ${err.message}`);
  }
}

function checkEisReference(d: Decl, scope: Scope, report: Report) {
  const r = value(d.props, 'eis', 'ref')?.ref;
  const target = r && scope.protocol.get(r.name);
  if (target && target.type?.name !== 'eis') report(r!, 'error', 'wrong-kind', `'${r!.name}' is a ${target.type?.name ?? 'protocol'} protocol, not an eis protocol`);
}

function checkComposite(d: Decl, scope: Scope, report: Report) {
  const groups = [...d.props.keys()].filter((k) => k !== 'ratio' && d.props.get(k)!.value?.shape === 'members');
  for (const [key, e] of d.props) {
    const v = e.value;
    if (!v || v.shape !== 'members') continue;
    for (const part of v.parts ?? []) {
      if (part.n < 0) report(part, 'error', 'ratio-part', `a mass ratio part cannot be negative (${part.n})`);
      else if (part.n === 0) report(part, 'warning', 'ratio-part', 'a ratio part of 0 means this member is absent: remove it from the ratio');
    }
    if (key !== 'ratio') {
      for (const m of v.members) {
        if (scope.layer.get(m.name)?.keyword === 'composite') report(m, 'error', 'wrong-kind', `'${m.name}' is a composite; a group is made of materials`);
      }
    }
    if (v.parts && v.parts.every((p) => p.n <= 0)) report(e.prop.key, 'error', 'ratio-part', `the parts of '${key}' add up to nothing`);
    if (key === 'ratio') {
      for (const m of v.members) {
        if (!groups.includes(m.name)) {
          const guess = closest(m.name, groups);
          report(m, 'error', 'undefined-reference', `no group '${m.name}' in this composite` + (guess ? `. Did you mean '${guess}'?` : groups.length ? `; its groups are ${groups.join(', ')}` : ''),
            guess ? { fixes: [{ title: `Change to '${guess}'`, start: m.start, end: m.end, newText: guess }] } : {});
        }
      }
      for (const g of groups) if (!v.members.some((m) => m.name === g)) report(e.prop.key, 'error', 'missing-property', `the ratio does not include the group '${g}'`);
    }
  }
  if (groups.length > 1 && !d.props.has('ratio')) {
    report(headerSpan(d), 'error', 'missing-property', `the composite has ${groups.length} groups (${groups.join(', ')}): give their mass ratio, e.g. ratio ${groups.join(' : ')} = ${groups.map(() => 1).join(' : ')}`);
  }
}

function checkCell(d: Decl, scope: Scope, report: Report) {
  const stack = value(d.props, 'stack', 'stack');
  if (!stack) return;
  const roles = stack.layers.map((l) => {
    const t = scope.layer.get(l.ref.name);
    return t?.keyword === 'material' ? enumValue(t.props, 'role') : t ? 'composite' : undefined;
  });
  stack.layers.forEach((l, i) => {
    if (roles[i] === 'metal' && !l.thickness) report(l, 'warning', 'missing-thickness', `give the thickness of the ${l.ref.name} foil (e.g. ${l.ref.name} 50 µm): its Li inventory depends on it`);
    if (roles[i] === 'composite' && l.thickness) report(l.thickness, 'warning', 'redundant-thickness', `${l.ref.name} is a composite: its thickness is set in its declaration`);
  });
  const metals = roles.filter((r) => r === 'metal').length;
  const kind = d.type?.name;
  const where = d.props.get('stack')!.prop.key;
  if (kind === 'symmetric' && metals < 2) report(where, 'warning', 'stack-mismatch', `a symmetric cell has the same metal electrode on both sides; this stack has ${metals}`);
  if (kind === 'half' && metals < 1) report(where, 'warning', 'stack-mismatch', 'a half cell needs a metal working electrode in its stack');
  if (kind === 'full' && !roles.includes('cathode')) report(where, 'warning', 'stack-mismatch', 'a full cell needs its cathode in the stack');
  if (kind === 'blocking' && metals > 0) report(where, 'warning', 'stack-mismatch', 'an ion-blocking cell has no Li metal layer (Li passes Li⁺): use stainless steel or In foil electrodes');
  if (!roles.includes('electrolyte') && roles.every((r) => r !== undefined)) report(where, 'warning', 'stack-mismatch', 'the stack has no solid electrolyte layer');
  const cat = value(d.props, 'cathode', 'cathode');
  if (cat) {
    const m = scope.layer.get(cat.ref.name);
    if (m && (m.keyword !== 'material' || enumValue(m.props, 'role') !== 'cathode')) report(cat.ref, 'error', 'wrong-kind', `'${cat.ref.name}' is not a cathode material (role cathode)`);
  }
}

/** An Arrhenius series needs three temperatures for E_a with a standard error. */
function checkTemperatures(p: PropMap, report: Report) {
  const list = value(p, 'temperatures', 'list');
  if (!list) return;
  const distinct = new Set(list.items.map((t) => t.si.toFixed(3))).size;
  if (distinct < 3) report(p.get('temperatures')!.prop.key, 'error', 'invalid-value', `an Arrhenius fit needs at least 3 different temperatures for E_a with a standard error; this series has ${distinct}`);
}

/** What the toolkit protocols need of their cell: a pellet of known thickness between ion-blocking electrodes, or a symmetric Li cell. */
function checkToolkitRun(run: Decl, proto: Decl, cell: Decl, scope: Scope, report: Report) {
  const type = proto.type?.name ?? '';
  const header = headerSpan(run);
  const cellName = cell.name?.name ?? 'the cell';
  if (['conductivity', 'arrhenius', 'dc-polarisation'].includes(type)) {
    const f = cellFacts(cell, scope);
    if (!f.electrolyte) report(header, 'error', 'missing-property', `${cellName} has no electrolyte layer in its stack: a ${type} run needs the pellet's thickness L (σ = L/(R A))`);
    else if (f.electrolyte.thickness === undefined) report(header, 'error', 'missing-thickness', `give the thickness of the ${f.electrolyte.material.name!.name} pellet in the stack of ${cellName} (e.g. ${f.electrolyte.material.name!.name} 600 µm): a ${type} run needs L for σ = L/(R A)`);
    if (f.anode && cell.type?.name !== 'blocking') {
      report(header, 'warning', 'stack-mismatch', `${cellName} has ${f.anode.metal.name!.name} metal electrodes, which pass Li⁺: a ${type} run needs ion-blocking electrodes (a cell of kind blocking, e.g. stack SS | LPSC 600 µm | SS)`);
    }
  }
  if (type === 'symmetric-cycling' && cell.type?.name !== 'symmetric') {
    report(header, 'warning', 'stack-mismatch', `symmetric cycling plates and strips Li between two Li electrodes; ${cellName} is a ${cell.type?.name ?? 'cell'} cell`);
  }
}

function checkWindow(p: PropMap, report: Report) {
  const w = value(p, 'window', 'range');
  if (w && w.lo.si >= w.hi.si) report({ start: w.lo.start, end: w.hi.end }, 'error', 'invalid-value', 'the lower end of the window must be below the upper end');
}

function checkRun(run: Decl, scope: Scope, report: Report, plausibility: boolean) {
  const proto = run.protocolRef && scope.protocol.get(run.protocolRef.name);
  const cell = run.cellRef && scope.cell.get(run.cellRef.name);
  if (!proto || !cell) return;
  const p = proto.props;
  const header = headerSpan(run);
  checkToolkitRun(run, proto, cell, scope, report);
  if ((proto.type?.name === 'cycling' || proto.type?.name === 'rate') && !cell.props.has('cathode')) {
    report(header, 'error', 'missing-property', `${cell.name!.name} has no cathode: a ${proto.type.name} protocol needs one for its C-rate currents`);
  }
  if (!plausibility) return;
  const f = cellFacts(cell, scope);
  const planned: Quantity[] = proto.type?.name === 'strip' || proto.type?.name === 'symmetric-cycling' ? [quantity(p, 'current')].filter((x): x is Quantity => !!x)
    : proto.type?.name === 'sand' ? value(p, 'currents', 'list')?.items ?? [] : [];
  if (f.knownCcd) {
    // Charging a full cell plates Li at the C-rate current: the same limit applies.
    const cRates = cRateCurrents(proto, f).map((c) => ({ ...c.rate, si: c.density }));
    const above = [...planned, ...cRates].filter((q) => q.si > f.knownCcd!.si);
    if (above.length) {
      const list = above.map((q) => fq(q.si, 'mA/cm²')).join(', ');
      report(header, 'warning', 'above-ccd', `planned current${above.length > 1 ? 's' : ''} ${list} ${above.length > 1 ? 'are' : 'is'} above the ${f.knownCcd.source} (${fq(f.knownCcd.si, 'mA/cm²')}): the cell may short before the cutoff`,
        { related: [{ uri: proto.uri, start: proto.name!.start, end: proto.name!.end, message: `protocol ${proto.name!.name}` }] });
    }
  }
  if (f.inventory !== undefined && (proto.type?.name === 'strip' || proto.type?.name === 'symmetric-cycling')) {
    const cap = quantity(p, 'capacity');
    if (cap && cap.si > f.inventory) {
      report(header, 'warning', 'exceeds-inventory', `the planned ${proto.type.name === 'strip' ? 'stripping capacity' : 'capacity per half-cycle'} ${fq(cap.si, 'mAh/cm²')} is more than the foil's Li inventory ${fq(f.inventory, 'mAh/cm²')}: it cannot be delivered`);
    }
  }
  if (f.inventory !== undefined && f.c0 !== undefined && f.dEff && planned.length) {
    // A loop, not Math.min(...): a list of a million currents would overflow the call stack.
    const i = planned.reduce((lo, q) => Math.min(lo, q.si), Infinity);
    const t0 = sandTime(f.c0, f.dEff.si, i);
    if (i * t0 > f.inventory) {
      report(header, 'info', 'exceeds-inventory', `Sand's equation predicts ${fq(i * t0, 'mAh/cm²')} stripped at ${fq(i, 'mA/cm²')}, more than the foil's Li inventory ${fq(f.inventory, 'mAh/cm²')}: the foil runs out before Sand depletion`);
    }
  }
  if (proto.type?.name === 'cycling' || proto.type?.name === 'rate') {
    const w = value(p, 'window', 'range');
    const cat = value(cell.props, 'cathode', 'cathode');
    const mat = cat && scope.layer.get(cat.ref.name);
    const stable = mat && value(mat.props, 'window', 'range');
    if (w && stable && (w.lo.si < stable.lo.si - 1e-9 || w.hi.si > stable.hi.si + 1e-9)) {
      report(header, 'warning', 'window-outside-chemistry', `the cycling window ${fq(w.lo.si, 'V')} .. ${fq(w.hi.si, 'V')} leaves the stable range of ${mat!.name!.name}, ${fq(stable.lo.si, 'V')} .. ${fq(stable.hi.si, 'V')}`,
        { related: [{ uri: mat!.uri, start: mat!.props.get('window')!.prop.start, end: mat!.props.get('window')!.prop.end, message: `stable window of ${mat!.name!.name}` }] });
    }
  }
}

// Plausibility ranges of domain.md, in the unit they are written in there.
const RANGES: { keys: string[]; blocks: string[]; lo: number; hi: number; unit: string; what: string }[] = [
  { keys: ['pressure'], blocks: ['study', 'cell'], lo: 0.1, hi: 100, unit: 'MPa', what: 'stack pressure for solid-state cells' },
  { keys: ['temperature'], blocks: ['study', 'cell'], lo: -40, hi: 120, unit: '°C', what: 'temperature' },
  { keys: ['thickness'], blocks: ['composite'], lo: 0.1, hi: 100, unit: 'µm', what: 'interlayer thickness' },
  { keys: ['start', 'step', 'until', 'current', 'currents'], blocks: ['protocol'], lo: 0.01, hi: 20, unit: 'mA/cm²', what: 'current density' },
  { keys: ['temperatures'], blocks: ['protocol', 'run'], lo: -40, hi: 120, unit: '°C', what: 'temperature' },
];

/** Typical figures of an electrolyte's priors by its formula (domain.md): warned about outside, as for the ranges above. */
const TYPICAL_ELECTROLYTE: { formula: string; key: string; lo: number; hi: number; unit: string; what: string }[] = [
  { formula: ARGYRODITE.formula, key: 'conductivity', lo: ARGYRODITE.conductivity[0], hi: ARGYRODITE.conductivity[1], unit: 'mS/cm', what: 'ionic conductivity of argyrodite Li6PS5Cl at 25 °C' },
  { formula: ARGYRODITE.formula, key: 'E_a', lo: ARGYRODITE.activationEnergy[0] * ELECTRONVOLT, hi: ARGYRODITE.activationEnergy[1] * ELECTRONVOLT, unit: 'eV', what: 'activation energy of Li6PS5Cl' },
];

function checkRanges(d: Decl, scope: Scope, report: Report) {
  const inRange = (q: Quantity, r: (typeof RANGES)[number]) => {
    const u = parseUnit(r.unit) as Unit;
    const lo = toSI(r.lo, u), hi = toSI(r.hi, u);
    if (q.si < lo - 1e-12 * Math.abs(lo) || q.si > hi + 1e-12 * Math.abs(hi)) {
      report(q, 'warning', 'implausible-value', `${fq(q.si, r.unit)} is outside the plausible ${r.what} range, ${r.lo}–${r.hi} ${r.unit}`);
    }
  };
  for (const r of RANGES) {
    if (!r.blocks.includes(d.keyword)) continue;
    for (const k of r.keys) {
      const v = d.props.get(k)?.value;
      if (!v) continue;
      if (v.shape === 'quantity' || v.shape === 'tolerance') inRange(v.q, r);
      if (v.shape === 'list') v.items.forEach((q) => inRange(q, r));
    }
  }
  if (d.keyword === 'material') {
    const formula = value(d.props, 'formula', 'string')?.text;
    for (const r of TYPICAL_ELECTROLYTE) {
      const q = formula === r.formula ? quantity(d.props, r.key) : undefined;
      if (q && (q.si < r.lo * (1 - 1e-9) || q.si > r.hi * (1 + 1e-9))) {
        report(q, 'warning', 'implausible-value', `${fq(q.si, r.unit)} is outside the typical ${r.what}, ${fq(r.lo, r.unit)}–${fq(r.hi, r.unit)} (domain.md)`);
      }
    }
  }
  if (d.keyword === 'composite') {
    const t = value(d.props, 'thickness', 'tolerance');
    if (t && t.q.si < 15e-6 - 1e-12) {
      report(t.q, 'warning', 'interlayer-too-thin', `an interlayer under 15 µm does not cover the Li (domain.md); this one is ${fq(t.q.si, 'µm')}`);
    }
  }
  if (d.keyword === 'cell') {
    for (const l of value(d.props, 'stack', 'stack')?.layers ?? []) {
      const m = scope.layer.get(l.ref.name);
      if (l.thickness && m?.keyword === 'material' && enumValue(m.props, 'role') === 'metal' && (l.thickness.si < 1e-6 || l.thickness.si > 1000e-6)) {
        report(l.thickness, 'warning', 'implausible-value', `${fq(l.thickness.si, 'µm')} is outside the plausible Li foil thickness range, 1–1000 µm`);
      }
    }
  }
}
