// Derived values: what the plan implies (areas, Li inventory, currents, durations, Sand
// predictions). Each carries the formula and the inputs it came from, for hovers and the preview.
import { Span } from './lexer';
import { Decl, enumValue, headerSpan, PropMap, quantity, Quantity, tokensText, value, Value } from './model';
import * as phys from '../domain/physics';
import { formatNumber, formatQuantity } from '../domain/format';
import { ParsedFile } from './workspace';
import type { Scope } from './scope';

export interface Derived {
  /** Stable key, e.g. "cell.area", used by tests, the CLI's JSON and the preview. */
  key: string;
  /** The declaration it belongs to (name). */
  owner: string;
  /** Where it is shown: a hint goes at the end of this span. */
  anchor: Span;
  label: string;
  /** Value in SI units and the unit it is displayed in; absent for lists. */
  si?: number;
  unit?: string;
  text: string;
  /** A shorter form for the inlay hint, where the text is a long list. */
  hint?: string;
  formula: string;
  inputs: string[];
}

export interface CellFacts {
  cell: Decl;
  area?: { si: number; source: string; anchor: Span };
  anode?: { metal: Decl; thickness?: Quantity; anchor: Span };
  interlayer?: Decl;
  /** Li inventory of one anode foil, C/m². */
  inventory?: number;
  c0?: number;
  dEff?: { si: number; source: string };
  knownCcd?: { si: number; source: string };
  cathode?: { arealCapacity: number; specificCapacity: number; anchor: Span; text: string };
  /** Active cathode mass, kg: loading · active fraction · area (with or without a known capacity). */
  activeMass?: number;
  /** The solid electrolyte of the stack: its first electrolyte layer, and L = the electrolyte layers' total thickness (m) when each has one. */
  electrolyte?: { material: Decl; thickness?: number; layers: number; anchor: Span };
  /** The cell's temperature, else the study's (K). */
  temperature?: { si: number; source: string };
}

const fq = formatQuantity;

// Facts of a cell are asked for by the cell itself and by every run on it: once per analysis.
const factsCache = new WeakMap<Scope, Map<Decl, CellFacts>>();

export function cellFacts(cell: Decl, scope: Scope): CellFacts {
  let cache = factsCache.get(scope);
  if (!cache) factsCache.set(scope, (cache = new Map()));
  let facts = cache.get(cell);
  if (!facts) cache.set(cell, (facts = computeCellFacts(cell, scope)));
  return facts;
}

function computeCellFacts(cell: Decl, scope: Scope): CellFacts {
  const facts: CellFacts = { cell };
  const p = cell.props;
  const study = scope.study?.props;
  const dia = quantity(p, 'diameter') ?? (quantity(p, 'area') ? undefined : study && quantity(study, 'diameter'));
  const area = quantity(p, 'area') ?? (quantity(p, 'diameter') ? undefined : study && quantity(study, 'area'));
  if (area) facts.area = { si: area.si, source: `area ${fq(area.si, 'cm²')}${p.get('area') ? '' : ' (study default)'}`, anchor: p.get('area')?.prop ?? headerSpan(cell) };
  else if (dia) facts.area = { si: phys.discArea(dia.si), source: `diameter ${fq(dia.si, 'mm')}${p.get('diameter') ? '' : ' (study default)'}`, anchor: p.get('diameter')?.prop ?? headerSpan(cell) };

  const layers = value(p, 'stack', 'stack')?.layers ?? [];
  for (let i = 0; i < layers.length; i++) {
    const d = scope.layer.get(layers[i].ref.name);
    if (d?.keyword === 'material' && enumValue(d.props, 'role') === 'metal') {
      facts.anode = { metal: d, thickness: layers[i].thickness, anchor: layers[i] };
      const next = scope.layer.get(layers[i + 1]?.ref.name ?? '');
      if (next?.keyword === 'composite') facts.interlayer = next;
      break;
    }
  }
  if (facts.anode) {
    const m = facts.anode.metal.props;
    const rho = quantity(m, 'density'), M = quantity(m, 'molar-mass'), t = facts.anode.thickness;
    if (rho && M) {
      facts.c0 = phys.concentration(rho.si, M.si);
      if (t) facts.inventory = phys.foilInventory(t.si, rho.si, M.si);
    }
    const il = facts.interlayer;
    const dIl = il && quantity(il.props, 'D_eff');
    const dMetal = quantity(m, 'D_eff');
    if (dIl) facts.dEff = { si: dIl.si, source: `D_eff of ${il!.name!.name}` };
    else if (dMetal && !il) facts.dEff = { si: dMetal.si, source: `D_eff of ${facts.anode.metal.name!.name}` };
    const cIl = il && quantity(il.props, 'ccd');
    const cMetal = quantity(m, 'ccd');
    if (cIl) facts.knownCcd = { si: cIl.si, source: `known CCD of Li with ${il!.name!.name}` };
    else if (cMetal && !il) facts.knownCcd = { si: cMetal.si, source: `known CCD of ${facts.anode.metal.name!.name}` };
  }

  const solid = layers.map((l) => ({ l, d: scope.layer.get(l.ref.name) })).filter(({ d }) => d?.keyword === 'material' && enumValue(d.props, 'role') === 'electrolyte');
  if (solid.length) {
    const thickness = solid.every(({ l }) => l.thickness) ? solid.reduce((sum, { l }) => sum + l.thickness!.si, 0) : undefined;
    facts.electrolyte = { material: solid[0].d!, thickness, layers: solid.length, anchor: solid[0].l };
  }
  const temp = quantity(p, 'temperature') ?? (study && quantity(study, 'temperature'));
  if (temp) facts.temperature = { si: temp.si, source: `${fq(temp.si, '°C')}${p.get('temperature') ? '' : ' (study default)'}` };

  const cat = value(p, 'cathode', 'cathode');
  if (cat) {
    const mat = scope.layer.get(cat.ref.name);
    const loading = quantity(cat.props, 'loading'), active = quantity(cat.props, 'active');
    const cap = quantity(cat.props, 'capacity') ?? (mat && quantity(mat.props, 'capacity'));
    if (loading && active && facts.area) facts.activeMass = loading.si * active.si * facts.area.si;
    if (loading && active && cap) {
      facts.cathode = {
        arealCapacity: phys.cathodeCapacity(loading.si, active.si, cap.si),
        specificCapacity: cap.si,
        anchor: p.get('cathode')!.prop,
        text: `${fq(loading.si, 'mg/cm²')} × ${fq(active.si, 'wt%')} × ${fq(cap.si, 'mAh/g')}`,
      };
    }
  }
  return facts;
}

export function computeDerived(file: ParsedFile, scope: Scope): Derived[] {
  const out: Derived[] = [];
  const push = (d: Derived) => out.push(d);
  const runSeconds: (number | undefined)[] = [];
  for (const d of file.decls) {
    const seconds = declarationDerived(d, scope, push);
    if (d.keyword === 'run') runSeconds.push(seconds);
  }
  const study = file.decls.find((d) => d.keyword === 'study');
  const schedule = study && studySchedule(study, runSeconds);
  if (schedule) push(schedule);
  return out;
}

/**
 * The values derived from one declaration (and what its names reach through the scope); for a
 * run, its duration in seconds too, which the study's schedule adds up (studySchedule).
 */
export function declarationDerived(d: Decl, scope: Scope, push: (d: Derived) => void): number | undefined {
  const owner = d.name?.name ?? d.keyword;
  if (d.keyword === 'study') studyDerived(d, push);
  if (d.keyword === 'composite') compositeFractions(d, push);
  if (d.keyword === 'cell') cellDerived(cellFacts(d, scope), owner, push);
  if (d.keyword === 'protocol') protocolDerived(d, owner, push);
  if (d.keyword === 'run') return runDerived(d, scope, owner, push);
  return undefined;
}

/** The one value derived from the whole file: the runs' durations one after another. */
export function studySchedule(study: Decl, runSeconds: (number | undefined)[]): Derived | undefined {
  const timed = runSeconds.filter((s): s is number => s !== undefined && isFinite(s));
  if (!timed.length) return undefined;
  const total = timed.reduce((s, x) => s + x, 0);
  return { key: 'study.schedule', owner: 'study', anchor: headerSpan(study), label: 'schedule', si: total, unit: 'h', text: `${fq(total, 'h')} (${fq(total, 'd')})`,
    formula: 'sum of the planned durations of the runs, one after another on one channel',
    inputs: [`${timed.length} of ${runSeconds.length} runs with a known duration`] };
}

function studyDerived(d: Decl, push: (d: Derived) => void) {
  const dia = quantity(d.props, 'diameter');
  if (!dia) return;
  const a = phys.discArea(dia.si);
  push({ key: 'study.area', owner: 'study', anchor: d.props.get('diameter')!.prop, label: 'area', si: a, unit: 'cm²', text: fq(a, 'cm²'),
    formula: 'A = π d²/4 (default for every cell without its own diameter or area)', inputs: [`diameter ${fq(dia.si, 'mm')}`] });
}

function compositeFractions(d: Decl, push: (d: Derived) => void) {
  const fractions = massFractions(d.props);
  if (!fractions) return;
  const anchor = d.props.get('ratio')?.prop ?? [...d.props.values()].filter((e) => e.value?.shape === 'members').pop()?.prop;
  if (!anchor) return;
  const text = fractions.map(([n, f]) => `${n} ${fq(f, 'wt%')}`).join(', ');
  const hint = `${fractions.map(([n, f]) => `${n} ${formatNumber(f * 100, 3)}`).join(' · ')} wt%`;
  push({ key: 'composite.massFractions', owner: d.name?.name ?? 'composite', anchor, label: 'mass fractions', text, hint,
    formula: 'w(member) = its part of its group × the group\'s part of the composite',
    inputs: [...d.props].filter(([, e]) => e.value?.shape === 'members').map(([k, e]) => `${k}: ${tokensText(e.prop.values)}`) });
}

/** Mass fraction of each member material, from the group ratios and the ratio between groups. */
export function massFractions(props: PropMap): [string, number][] | undefined {
  const groups: { name: string; members: [string, number][] }[] = [];
  for (const [key, e] of props) {
    const v = e.value;
    if (key === 'ratio' || !v || v.shape !== 'members') continue;
    const parts = v.parts?.map((p) => p.n) ?? v.members.map(() => 1);
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum <= 0 || parts.some((x) => x < 0)) return undefined;
    groups.push({ name: key, members: v.members.map((m, i) => [m.name, parts[i] / sum]) });
  }
  if (!groups.length) return undefined;
  let groupShare = new Map<string, number>();
  const ratio = value(props, 'ratio', 'members');
  if (groups.length === 1) groupShare.set(groups[0].name, 1);
  else if (ratio?.parts) {
    const sum = ratio.parts.reduce((a, p) => a + p.n, 0);
    if (sum <= 0) return undefined;
    ratio.members.forEach((m, i) => groupShare.set(m.name, ratio.parts![i].n / sum));
    if (groups.some((g) => !groupShare.has(g.name))) return undefined;
  } else return undefined;
  const out: [string, number][] = [];
  for (const g of groups) for (const [m, f] of g.members) out.push([m, f * groupShare.get(g.name)!]);
  return out;
}

function cellDerived(f: CellFacts, owner: string, push: (d: Derived) => void) {
  if (f.area) {
    push({ key: 'cell.area', owner, anchor: f.area.anchor, label: 'area', si: f.area.si, unit: 'cm²', text: fq(f.area.si, 'cm²'),
      formula: f.area.source.startsWith('area') ? 'as given' : 'A = π d²/4', inputs: [f.area.source] });
  }
  if (f.anode && f.inventory !== undefined) {
    const m = f.anode.metal.props;
    push({ key: 'cell.liInventory', owner, anchor: f.anode.anchor, label: 'Li inventory', si: f.inventory, unit: 'mAh/cm²', text: fq(f.inventory, 'mAh/cm²'),
      formula: 'Q = thickness · density / M · F',
      inputs: [`thickness ${fq(f.anode.thickness!.si, 'µm')}`, `density ${fq(quantity(m, 'density')!.si, 'g/cm³')}`, `M ${fq(quantity(m, 'molar-mass')!.si, 'g/mol')}`, `F ${phys.FARADAY} C/mol`] });
  }
  if (f.cathode) {
    push({ key: 'cell.cathodeCapacity', owner, anchor: f.cathode.anchor, label: 'cathode capacity', si: f.cathode.arealCapacity, unit: 'mAh/cm²', text: fq(f.cathode.arealCapacity, 'mAh/cm²'),
      hint: `cathode ${fq(f.cathode.arealCapacity, 'mAh/cm²')}`,
      formula: 'Q = loading · active fraction · specific capacity', inputs: [f.cathode.text] });
    const oneC = phys.cRateCurrent(1, f.cathode.arealCapacity);
    push({ key: 'cell.oneC', owner, anchor: f.cathode.anchor, label: '1C', si: oneC, unit: 'mA/cm²',
      text: `${fq(oneC, 'mA/cm²')}` + (f.area ? ` = ${fq(oneC * f.area.si, 'mA')}` : ''),
      hint: f.area ? `1C ${fq(oneC * f.area.si, 'mA')}` : undefined,
      formula: 'i(1C) = areal capacity / 1 h; I = i · A', inputs: [`areal capacity ${fq(f.cathode.arealCapacity, 'mAh/cm²')}`, ...(f.area ? [`A ${fq(f.area.si, 'cm²')}`] : [])] });
    if (f.inventory !== undefined) {
      const np = f.inventory / f.cathode.arealCapacity;
      push({ key: 'cell.npRatio', owner, anchor: f.cathode.anchor, label: 'N/P', si: np, unit: '', text: formatNumber(np),
        formula: 'N/P = anode Li inventory / cathode areal capacity', inputs: [`Li ${fq(f.inventory, 'mAh/cm²')}`, `cathode ${fq(f.cathode.arealCapacity, 'mAh/cm²')}`] });
    }
  }
}

/** A list for an inlay hint: "t0 14.38 h" for one value, "t0 0.3994–14.38 h" for several. */
function spread(label: string, si: number[], unit: string): string {
  const lo = Math.min(...si), hi = Math.max(...si);
  const values = si.length === 1 || lo === hi ? fq(lo, unit) : `${fq(lo, unit).replace(/ \S+$/, '')}–${fq(hi, unit)}`;
  return label ? `${label} ${values}` : values;
}

/** Durations that do not depend on the cell. Returns seconds, or undefined when unbounded. */
export function protocolSeconds(d: Decl): number | undefined {
  const p = d.props;
  switch (d.type?.name) {
    case 'ccd': {
      const start = quantity(p, 'start'), step = quantity(p, 'step'), half = quantity(p, 'half-cycle'), until = quantity(p, 'until');
      if (!start || !step || !half || !until) return undefined;
      return phys.rampSteps(start.si, step.si, until.si) * 2 * half.si;
    }
    case 'cycling': {
      const pre = value(p, 'precycle', 'countAtRate'), main = value(p, 'cycles', 'countAtRate');
      if (!main) return undefined;
      return phys.cyclingTime(main.n, main.rate.si) + (pre ? phys.cyclingTime(pre.n, pre.rate.si) : 0);
    }
    case 'rate': {
      const rates = value(p, 'rates', 'list')?.items, each = value(p, 'cycles-each', 'count')?.n, back = quantity(p, 'return');
      if (!rates || each === undefined) return undefined;
      return [...rates, ...(back ? [back] : [])].reduce((s, r) => s + phys.cyclingTime(each, r.si), 0);
    }
    case 'eis':
    case 'conductivity':
      return sweepSeconds(p);
    case 'arrhenius': {
      const n = value(p, 'temperatures', 'list')?.items.length, hold = quantity(p, 'hold')?.si, sweep = sweepSeconds(p);
      return n && (hold !== undefined || sweep !== undefined) ? n * ((hold ?? 0) + (sweep ?? 0)) : undefined;
    }
    case 'gitt': {
      const n = value(p, 'pulses', 'count')?.n, pulse = quantity(p, 'pulse'), rest = quantity(p, 'rest');
      return n !== undefined && pulse && rest ? n * (pulse.si + rest.si) : undefined;
    }
    case 'symmetric-cycling': {
      const n = value(p, 'cycles', 'count')?.n, i = quantity(p, 'current'), cap = quantity(p, 'capacity');
      return n !== undefined && i && cap ? n * 2 * phys.halfCycleTime(cap.si, i.si) : undefined;
    }
    case 'dc-polarisation':
      return quantity(p, 'hold')?.si;
  }
  return undefined;
}

/** One sweep of an impedance spectrum, when its frequencies are given. */
function sweepSeconds(p: PropMap): number | undefined {
  const f = value(p, 'frequencies', 'range'), ppd = value(p, 'points-per-decade', 'count')?.n ?? 10;
  return f ? phys.eisSweepTime(f.lo.si, f.hi.si, ppd) : undefined;
}

function protocolDerived(d: Decl, owner: string, push: (d: Derived) => void) {
  const s = protocolSeconds(d);
  const p = d.props;
  if (d.type?.name === 'ccd') {
    const start = quantity(p, 'start'), step = quantity(p, 'step'), until = quantity(p, 'until');
    if (start && step && until) {
      const n = phys.rampSteps(start.si, step.si, until.si);
      push({ key: 'protocol.steps', owner, anchor: p.get('until')!.prop, label: 'steps', si: n, unit: '', text: `${n} steps`,
        formula: 'n = ⌊(until − start) / step⌋ + 1', inputs: [`start ${fq(start.si, 'mA/cm²')}`, `step ${fq(step.si, 'mA/cm²')}`, `until ${fq(until.si, 'mA/cm²')}`] });
    }
  }
  toolkitProtocolDerived(d, owner, push);
  if (s === undefined || !isFinite(s)) return;
  const formulas: Record<string, string> = {
    ccd: 'steps × 2 half-cycles × half-cycle time (if no short)',
    cycling: 'Σ cycles × 2 h / C-rate (charge and discharge, no rests or CV steps)',
    rate: 'Σ over rates of cycles-each × 2 h / C-rate',
    eis: 'one period per frequency: Σ 1/f over the sweep (a lower bound)',
    conductivity: 'one period per frequency: Σ 1/f over the sweep (a lower bound)',
    arrhenius: 'temperatures × (hold + one sweep, Σ 1/f)',
    gitt: 'pulses × (pulse + rest)',
    'symmetric-cycling': 'cycles × 2 half-cycles × capacity / current',
    'dc-polarisation': 'the hold',
  };
  push({ key: 'protocol.duration', owner, anchor: headerSpan(d), label: 'duration', si: s, unit: s < 600 ? 's' : 'h', text: fq(s, s < 600 ? 's' : 'h'),
    formula: formulas[d.type!.name], inputs: [...p.keys()].filter((k) => k !== 'eis' && k !== 'stop').map((k) => `${k} ${tokensText(p.get(k)!.prop.values)}`) });
}

/** Currents, predictions and the duration of a run. Returns its duration in seconds if known. */
function runDerived(run: Decl, scope: Scope, owner: string, push: (d: Derived) => void): number | undefined {
  const proto = run.protocolRef && scope.protocol.get(run.protocolRef.name);
  const cell = run.cellRef && scope.cell.get(run.cellRef.name);
  if (!proto || !cell || proto.keyword !== 'protocol' || cell.keyword !== 'cell') return undefined;
  const f = cellFacts(cell, scope);
  const p = proto.props;
  const anchor = headerSpan(run);
  const areaText = f.area ? `A ${fq(f.area.si, 'cm²')} (${f.area.source})` : '';
  const currents = (label: string, list: Quantity[]) => {
    if (!f.area) return;
    push({ key: 'run.currents', owner, anchor, label, text: list.map((q) => fq(q.si * f.area!.si, 'mA')).join(', '), hint: spread(label, list.map((q) => q.si * f.area!.si), 'mA'),
      formula: 'I = i · A', inputs: [list.map((q) => fq(q.si, 'mA/cm²')).join(', '), areaText] });
  };
  const sand = (list: Quantity[]): number | undefined => {
    if (f.c0 === undefined || !f.dEff) return undefined;
    let total = 0;
    const parts = list.map((q) => {
      const t0 = phys.sandTime(f.c0!, f.dEff!.si, q.si);
      total += t0;
      return { q, t0, cap: q.si * t0 };
    });
    push({ key: 'run.sandTime', owner, anchor, label: 't0', text: parts.map((x) => fq(x.t0, 'h')).join(', '), hint: spread('t0', parts.map((x) => x.t0), 'h'),
      formula: "Sand: t0 = (c0 F √(π D_eff) / (2 i))²",
      inputs: [`c0 ${fq(f.c0, 'mol/cm³')}`, `D_eff ${fq(f.dEff.si, 'cm²/s')} (${f.dEff.source})`, `i ${list.map((q) => fq(q.si, 'mA/cm²')).join(', ')}`, `F ${phys.FARADAY} C/mol`] });
    push({ key: 'run.sandCapacity', owner, anchor, label: 'stripped', si: parts.length === 1 ? parts[0].cap : undefined, unit: 'mAh/cm²', text: parts.map((x) => fq(x.cap, 'mAh/cm²')).join(', '), hint: spread('stripped', parts.map((x) => x.cap), 'mAh/cm²'),
      formula: 'Q = i · t0 (Sand prediction)', inputs: [`t0 ${parts.map((x) => fq(x.t0, 'h')).join(', ')}`] });
    return total;
  };
  // A current that is not positive has no duration (it is reported as implausible).
  const positive = (list: Quantity[]) => list.every((q) => q.si > 0);
  const inventoryBound = (list: Quantity[]): number | undefined =>
    f.inventory === undefined ? undefined : list.reduce((s, q) => s + f.inventory! / q.si, 0);
  let seconds: number | undefined;
  switch (proto.type?.name) {
    case 'ccd': {
      const start = quantity(p, 'start'), step = quantity(p, 'step'), until = quantity(p, 'until');
      if (start && step && f.area) {
        const steps = [start.si, start.si + step.si].map((i) => fq(i * f.area!.si, 'mA'));
        push({ key: 'run.currents', owner, anchor, label: 'step currents', text: `${steps.join(', ')}, …` + (until ? `, ${fq(until.si * f.area.si, 'mA')}` : ''),
          hint: `${fq(start.si * f.area.si, 'mA')} → ${until ? fq(until.si * f.area.si, 'mA') : '…'}`,
          formula: 'I = i · A for each step', inputs: [`start ${fq(start.si, 'mA/cm²')}, step ${fq(step.si, 'mA/cm²')}` + (until ? `, until ${fq(until.si, 'mA/cm²')}` : ''), areaText] });
      }
      seconds = protocolSeconds(proto);
      break;
    }
    case 'strip': {
      const i = quantity(p, 'current'), cap = quantity(p, 'capacity');
      if (!i || !positive([i])) break;
      currents('current', [i]);
      const predicted = sand([i]);
      const times = [predicted, cap ? cap.si / i.si : undefined, inventoryBound([i])].filter((x): x is number => x !== undefined);
      seconds = times.length ? times.reduce((m, t) => Math.min(m, t), Infinity) : undefined;
      break;
    }
    case 'sand': {
      const list = value(p, 'currents', 'list')?.items;
      if (!list || !positive(list)) break;
      currents('currents', list);
      sand(list);
      // Each current runs until Sand depletion or until the foil is used up, whichever is first.
      const perCurrent = list.map((q) => [f.c0 !== undefined && f.dEff ? phys.sandTime(f.c0, f.dEff.si, q.si) : undefined, inventoryBound([q])]
        .filter((x): x is number => x !== undefined));
      seconds = perCurrent.every((t) => t.length) ? perCurrent.reduce((s, t) => s + t.reduce((m, x) => Math.min(m, x), Infinity), 0) : undefined;
      break;
    }
    case 'cycling':
    case 'rate': {
      if (!f.cathode) break;
      const oneC = quantity(p, '1C');
      const rated = cRateCurrents(proto, f);
      push({ key: 'run.cRateCurrents', owner, anchor, label: 'C-rate currents',
        text: rated.map((c) => `${fq(c.rate.si, 'C')}: ${fq(c.density, 'mA/cm²')}` + (f.area ? ` (${fq(c.density * f.area.si, 'mA')})` : '')).join(', '),
        hint: rated.length <= 2 ? rated.map((c, k) => `${fq(c.rate.si, 'C')} ${k < rated.length - 1 ? fq(c.density, 'mA/cm²').replace(/ \S+$/, '') : fq(c.density, 'mA/cm²')}`).join(' · ') : `${spread('', rated.map((c) => c.rate.si), 'C')}: ${spread('', rated.map((c) => c.density), 'mA/cm²')}`,
        formula: 'i = rate × 1C × active mass per area; I = i · A',
        inputs: [oneC ? `1C = ${fq(oneC.si, 'mAh/g')}` : `1C = cathode capacity ${fq(f.cathode.specificCapacity, 'mAh/g')}`, `cathode ${f.cathode.text}`, areaText] });
      seconds = protocolSeconds(proto);
      break;
    }
    case 'eis':
      seconds = protocolSeconds(proto);
      break;
    case 'conductivity':
    case 'arrhenius':
    case 'dc-polarisation':
    case 'gitt':
    case 'symmetric-cycling':
      toolkitRunDerived(proto, f, owner, anchor, push, currents);
      seconds = protocolSeconds(proto);
      break;
  }
  if (seconds !== undefined && isFinite(seconds)) {
    push({ key: 'run.duration', owner, anchor, label: 'duration', si: seconds, unit: 'h', text: fq(seconds, 'h'),
      formula: ({ strip: 'shortest of: Sand t0, planned capacity / i, Li inventory / i', sand: 'Σ over currents of min(Sand t0, Li inventory / i)' } as Record<string, string>)[proto.type!.name] ?? 'duration of the protocol',
      inputs: [`protocol ${proto.name!.name}`, `cell ${cell.name!.name}`] });
  }
  return seconds;
}

/** Plan-level values of the toolkit protocols that need no cell: the half-cycle of symmetric cycling, the charge of a GITT pulse. */
function toolkitProtocolDerived(d: Decl, owner: string, push: (d: Derived) => void) {
  const p = d.props;
  const i = quantity(p, 'current');
  if (d.type?.name === 'symmetric-cycling') {
    const cap = quantity(p, 'capacity');
    if (!i || !cap || !(i.si > 0)) return;
    const t = phys.halfCycleTime(cap.si, i.si);
    push({ key: 'protocol.halfCycle', owner, anchor: p.get('capacity')!.prop, label: 'half-cycle', si: t, unit: 'h', text: fq(t, 'h'),
      formula: 't = capacity / current', inputs: [`capacity ${fq(cap.si, 'mAh/cm²')}`, `current ${fq(i.si, 'mA/cm²')}`] });
  }
  if (d.type?.name === 'gitt') {
    const pulse = quantity(p, 'pulse');
    if (!i || !pulse) return;
    const q = i.si * pulse.si;
    push({ key: 'protocol.pulseCapacity', owner, anchor: p.get('pulse')!.prop, label: 'charge per pulse', si: q, unit: 'mAh/cm²', text: fq(q, 'mAh/cm²'),
      formula: 'Q = i · τ', inputs: [`i ${fq(i.si, 'mA/cm²')}`, `τ ${fq(pulse.si, 'min')}`] });
  }
}

/**
 * Plan-level values of the toolkit protocols on a cell: the cell constant L/A of a pellet and what
 * the electrolyte's priors predict (R_b, σ(T), I_ss), the GITT pulses that cover the cathode, the
 * capacity a symmetric cell cycles.
 */
function toolkitRunDerived(proto: Decl, f: CellFacts, owner: string, anchor: Span, push: (d: Derived) => void, currents: (label: string, list: Quantity[]) => void) {
  const p = proto.props;
  const type = proto.type!.name;
  const el = f.electrolyte;
  const L = el?.thickness, A = f.area?.si;
  const pellet = el && L !== undefined && A !== undefined;
  const lText = () => `L ${fq(L!, 'µm')} (${el!.layers > 1 ? `${el!.layers} electrolyte layers` : el!.material.name!.name} in the stack)`;
  const aText = () => `A ${fq(A!, 'cm²')} (${f.area!.source})`;
  if (pellet && (type === 'conductivity' || type === 'arrhenius' || type === 'dc-polarisation')) {
    push({ key: 'run.cellConstant', owner, anchor, label: 'cell constant', si: L! / A!, unit: '1/cm', text: fq(L! / A!, '1/cm'),
      formula: 'L / A (σ = (L/A) / R)', inputs: [lText(), aText()] });
  }
  const prior = el && quantity(el.material.props, 'conductivity');
  const ea = el && quantity(el.material.props, 'E_a');
  const priorText = () => `σ(25 °C) ${fq(prior!.si, 'mS/cm')} (conductivity of ${el!.material.name!.name})`;
  if (pellet && prior && type === 'conductivity') {
    const t = f.temperature?.si ?? phys.ROOM_TEMPERATURE;
    const shifted = ea && Math.abs(t - phys.ROOM_TEMPERATURE) > 0.01;
    const sigma = shifted ? phys.arrheniusConductivity(prior.si, phys.ROOM_TEMPERATURE, ea!.si / phys.ELECTRONVOLT, t) : prior.si;
    const r = phys.pelletResistance(L!, sigma, A!);
    push({ key: 'run.expectedResistance', owner, anchor, label: 'expected R_b', si: r, unit: 'Ω', text: fq(r, 'Ω') + (shifted ? ` at ${fq(t, '°C')}` : ''),
      formula: shifted ? 'R_b = L / (σ(T) A), σ(T) from σ(25 °C) and E_a (σT Arrhenius)' : 'R_b = L / (σ A)',
      inputs: [lText(), aText(), priorText(), ...(shifted ? [`E_a ${fq(ea!.si, 'eV')}`, `T ${f.temperature!.source}`] : [])] });
  }
  const temps = type === 'arrhenius' ? value(p, 'temperatures', 'list')?.items : undefined;
  if (pellet && prior && ea && temps?.length && temps.every((t) => t.si > 0)) {
    const eaEv = ea.si / phys.ELECTRONVOLT;
    const sig = temps.map((t) => phys.arrheniusConductivity(prior.si, phys.ROOM_TEMPERATURE, eaEv, t.si));
    const inputs = [priorText(), `E_a ${fq(ea.si, 'eV')} (E_a of ${el!.material.name!.name})`, `T ${temps.map((t) => fq(t.si, '°C')).join(', ')}`];
    push({ key: 'run.expectedConductivity', owner, anchor, label: 'expected σ', text: sig.map((x) => fq(x, 'mS/cm')).join(', '),
      formula: 'σ(T) = σ(25 °C) · (298.15 K / T) · exp(−E_a/k_B · (1/T − 1/298.15 K))', inputs: [...inputs, `k_B ${formatNumber(phys.BOLTZMANN_EV, 7)} eV/K`] });
    push({ key: 'run.expectedResistance', owner, anchor, label: 'expected R_b', text: sig.map((x) => fq(phys.pelletResistance(L!, x, A!), 'Ω')).join(', '),
      formula: 'R_b = L / (σ(T) A)', inputs: [lText(), aText()] });
  }
  const sigmaE = el && quantity(el.material.props, 'electronic-conductivity');
  const v = quantity(p, 'voltage');
  if (pellet && sigmaE && v && type === 'dc-polarisation') {
    const iss = (sigmaE.si * v.si * A!) / L!;
    push({ key: 'run.expectedCurrent', owner, anchor, label: 'expected I_ss', si: iss, unit: 'nA', text: fq(iss, 'nA'),
      formula: 'I_ss = σ_e V A / L', inputs: [`σ_e ${fq(sigmaE.si, 'S/cm')} (electronic-conductivity of ${el!.material.name!.name})`, `V ${fq(v.si, 'V')}`, lText(), aText()] });
  }
  const i = quantity(p, 'current');
  if ((type === 'gitt' || type === 'symmetric-cycling') && i && i.si > 0) currents('current', [i]);
  const pulse = quantity(p, 'pulse');
  if (type === 'gitt' && i && pulse && f.cathode && i.si > 0 && pulse.si > 0) {
    const n = f.cathode.arealCapacity / (i.si * pulse.si);
    push({ key: 'run.gittPulses', owner, anchor, label: 'pulses to cover the cathode', si: n, unit: '', text: `${formatNumber(n, 3)} pulses (${formatNumber(100 / n, 3)} % of the capacity each)`,
      formula: 'n = cathode areal capacity / (i · τ)', inputs: [`cathode ${fq(f.cathode.arealCapacity, 'mAh/cm²')}`, `i ${fq(i.si, 'mA/cm²')}`, `τ ${fq(pulse.si, 'min')}`] });
  }
  const cap = quantity(p, 'capacity'), cycles = value(p, 'cycles', 'count')?.n;
  if (type === 'symmetric-cycling' && cap && cycles !== undefined) {
    const total = 2 * cycles * cap.si;
    push({ key: 'run.cumulativeCapacity', owner, anchor, label: 'cumulative capacity', si: total, unit: 'mAh/cm²', text: fq(total, 'mAh/cm²') + (f.inventory ? ` (${formatNumber(cap.si / f.inventory * 100, 3)} % of the Li foil per half-cycle)` : ''),
      formula: 'Q = 2 · cycles · capacity per half-cycle', inputs: [`cycles ${cycles}`, `capacity ${fq(cap.si, 'mAh/cm²')}`, ...(f.inventory ? [`Li inventory ${fq(f.inventory, 'mAh/cm²')}`] : [])] });
  }
}

/** The C-rates of a cycling or rate protocol and their current densities (A/m²) on a cell. */
export function cRateCurrents(proto: Decl, f: CellFacts): { rate: Quantity; density: number }[] {
  if (!f.cathode || (proto.type?.name !== 'cycling' && proto.type?.name !== 'rate')) return [];
  const p = proto.props;
  const oneC = quantity(p, '1C');
  // 1C may be defined on another basis than the cathode's specific capacity.
  const capacity = f.cathode.arealCapacity * (oneC ? oneC.si / f.cathode.specificCapacity : 1);
  const rates = proto.type.name === 'cycling'
    ? [value(p, 'precycle', 'countAtRate')?.rate, value(p, 'cycles', 'countAtRate')?.rate]
    : [...(value(p, 'rates', 'list')?.items ?? []), quantity(p, 'return')];
  return rates.filter((r): r is Quantity => !!r).map((rate) => ({ rate, density: phys.cRateCurrent(rate.si, capacity) }));
}
