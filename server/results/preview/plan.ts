// Charts of the plan itself, for a study whose runs have no data yet: what each protocol will
// program (the CCD staircase, the strip current until the predicted depletion, the C-rate
// schedule of cycling and rate tests), Sand's plot as the priors predict it, and a timeline of
// the study, cells against days. Predictions come from the engine's derived values and cell facts
// (server/engine/compute.ts), the physics from domain/physics.ts; nothing here is measured.
import type { ChartModel, ChartSeries } from '../../../protocol/preview';
import { decimate } from '../../analyses';
import { cellFacts, Derived } from '../../engine/compute';
import { Decl, quantity, value } from '../../engine/model';
import { SpecAnalysis } from '../../engine/specAnalysis';
import { formatNumber, formatQuantity } from '../../domain/format';
import * as phys from '../../domain/physics';
import { displayOf } from '../../domain/units';
import type { Legend } from './legend';

/** A run of the plan: its declaration, protocol, cell, header line and colour key. */
export interface PlannedRun { run: Decl; name: string; protocol: Decl; cell: Decl; line: number; key: string }

const MAX_POINTS = 400;
const mAcm2 = displayOf('A/m²').factor;

/** Hours on the time axis, days for schedules longer than three days. */
function timeUnit(seconds: number): { unit: 'h' | 'd'; per: number } {
  return seconds > 3 * 86400 ? { unit: 'd', per: 86400 } : { unit: 'h', per: 3600 };
}

/** A square wave of charge (+) and discharge (−) half cycles: [t, level] corners, in seconds. */
function squareWave(halves: { level: number; seconds: number }[]): [number, number][] {
  const pts: [number, number][] = [];
  let t = 0;
  for (const h of halves) {
    pts.push([t, h.level], [t + h.seconds, h.level]);
    t += h.seconds;
  }
  return pts;
}

/** Scales [s, y] corners to the time unit and keeps a drawable number of them (min/max per bucket). */
function timed(name: string, corners: [number, number][], per: number, yf: number, extra: Partial<ChartSeries> = {}): ChartSeries {
  const d = decimate(corners.map((p) => p[0]), corners.map((p) => p[1]), MAX_POINTS);
  return { name, mark: 'line', points: d.x.map((x, i) => [x / per, d.y[i] * yf] as [number, number]), ...extra };
}

const derivedOf = (a: SpecAnalysis, r: PlannedRun, key: string): Derived | undefined =>
  a.derived.find((d) => d.key === key && d.owner === r.name && d.anchor.start === r.run.syntax.keyword.start);

/** The staircase of a CCD protocol, with the known CCD of each cell it runs on. */
function ccdPlan(p: Decl, runs: PlannedRun[], a: SpecAnalysis, line: number): ChartModel | undefined {
  const start = quantity(p.props, 'start')?.si, step = quantity(p.props, 'step')?.si, until = quantity(p.props, 'until')?.si, half = quantity(p.props, 'half-cycle')?.si;
  if (!start || !step || !until || !half || step <= 0 || half <= 0) return undefined;
  const n = phys.rampSteps(start, step, until);
  const levels = Array.from({ length: n }, (_, k) => start + k * step);
  const { unit, per } = timeUnit(n * 2 * half);
  const corners = squareWave(levels.flatMap((i) => [{ level: i, seconds: half }, { level: -i, seconds: half }]));
  const marks: NonNullable<ChartModel['marks']> = [];
  const rules: NonNullable<ChartModel['rules']> = [];
  for (const r of runs) {
    const known = cellFacts(r.cell, a.scope).knownCcd;
    if (!known || rules.some((x) => x.value === known.si * mAcm2)) continue;
    const k = levels.findIndex((i) => i >= known.si - 1e-9 * known.si);
    rules.push({ axis: 'y', value: known.si * mAcm2, label: `${r.key}: known CCD ${formatQuantity(known.si, 'mA/cm²')}` });
    if (k >= 0) marks.push({ x: (k * 2 * half) / per, y: levels[k] * mAcm2, label: `${r.key} expected to short at step ${k + 1}, ${formatQuantity(k * 2 * half, 'h')}` });
  }
  return {
    id: `plan-${p.name!.name}`, kind: 'plan', title: `Planned CCD staircase: ${p.name!.name}`, x: { title: 'time', unit }, y: { title: 'current density', unit: 'mA/cm²' },
    series: [timed('programmed current density', corners, per, mAcm2)], rules, marks,
    notes: [`${n} steps of ${formatQuantity(step, 'mA/cm²')} from ${formatQuantity(start, 'mA/cm²')} to ${formatQuantity(levels[n - 1], 'mA/cm²')}, each a charge and a discharge of ${formatQuantity(half, 'h')}; ${formatQuantity(n * 2 * half, 'h')} without a short.`,
      `Cells: ${runs.map((r) => r.cell.name!.name).join(', ')}.`],
    line, derivation: 'Current density programmed by the protocol: + while plating on one electrode, − on the other; a known CCD (of the cell\'s Li or interlayer) is where the staircase is expected to short.',
    place: { group: p.name!.name, label: 'planned staircase' },
  };
}

/** The strip current of each run until its predicted end: Sand's t0, the planned capacity or the Li inventory. */
function stripPlan(p: Decl, runs: PlannedRun[], a: SpecAnalysis, line: number): ChartModel | undefined {
  const i = quantity(p.props, 'current')?.si;
  if (!i || i <= 0) return undefined;
  const capacity = quantity(p.props, 'capacity')?.si;
  const timedRuns = runs.flatMap((r) => {
    const seconds = derivedOf(a, r, 'run.duration')?.si;
    if (seconds === undefined || !Number.isFinite(seconds)) return [];
    // Which limit ends the run (the engine's duration is the first of them).
    const f = cellFacts(r.cell, a.scope);
    const sand = f.c0 !== undefined && f.dEff ? phys.sandTime(f.c0, f.dEff.si, i) : undefined;
    const near = (t: number | undefined) => t !== undefined && Math.abs(t - seconds) <= 1e-9 * seconds;
    const why = near(sand) ? "Sand's t0" : capacity !== undefined && near(capacity / i) ? 'the planned capacity' : 'the Li inventory used up';
    return [{ r, seconds, why }];
  });
  if (!timedRuns.length) return undefined;
  const { unit, per } = timeUnit(Math.max(...timedRuns.map((x) => x.seconds)));
  const series = timedRuns.map(({ r, seconds }) => timed(r.cell.name!.name, [[0, i], [seconds, i], [seconds, 0]], per, mAcm2, { colorKey: r.key, line: r.line }));
  const marks = timedRuns.map(({ r, seconds, why }) => ({
    x: seconds / per, y: i * mAcm2,
    label: `${r.cell.name!.name}: ${formatQuantity(i * seconds, 'mAh/cm²')} by ${formatQuantity(seconds, 'h')} (${why})`,
  }));
  return {
    id: `plan-${p.name!.name}`, kind: 'plan', title: `Planned stripping: ${p.name!.name}`, x: { title: 'time', unit }, y: { title: 'current density', unit: 'mA/cm²' },
    series, marks, line, place: { group: p.name!.name, label: 'planned current' },
    derivation: `A constant ${formatQuantity(i, 'mA/cm²')} until the run is expected to end: Sand's t0 = (c0 F √(π D_eff) / (2 i))² where D_eff is known, else the planned capacity or the Li inventory over i, whichever comes first; the capacity stripped by then is i · t.`,
  };
}

/** Sand's plot as the priors predict it: t0^-1/2 = 2 i / (c0 F √(π D_eff)), a line through the origin per run. */
function sandPlan(p: Decl, runs: PlannedRun[], a: SpecAnalysis, line: number): ChartModel | undefined {
  const currents = value(p.props, 'currents', 'list')?.items.map((q) => q.si).filter((x) => x > 0);
  if (!currents?.length) return undefined;
  const series: ChartSeries[] = [];
  const notes: string[] = [];
  for (const r of runs) {
    const f = cellFacts(r.cell, a.scope);
    if (f.c0 === undefined || !f.dEff) continue;
    const points = currents.map((i) => [i * mAcm2, 1 / Math.sqrt(phys.sandTime(f.c0!, f.dEff!.si, i))] as [number, number]);
    series.push({ name: r.cell.name!.name, mark: 'line', points, colorKey: r.key, line: r.line });
    notes.push(`${r.cell.name!.name}: D_eff ${formatQuantity(f.dEff.si, 'cm²/s')} (${f.dEff.source}), t0 ${currents.map((i) => formatQuantity(phys.sandTime(f.c0!, f.dEff!.si, i), 'h')).join(', ')}`);
  }
  if (!series.length) return undefined;
  return {
    id: `plan-${p.name!.name}`, kind: 'plan', title: `Predicted Sand's plot: ${p.name!.name}`, x: { title: 'current density', unit: 'mA/cm²', zero: true }, y: { title: 't0^-1/2', unit: 's^-1/2', zero: true },
    series, notes, line, place: { group: p.name!.name, label: "predicted Sand's plot" },
    derivation: "Sand's equation with each cell's prior D_eff and c0 = density / molar mass of its Li: t0^-1/2 = 2 i / (c0 F √(π D_eff)); the measured points should fall on these lines.",
  };
}

/**
 * The C-rate schedule of a cycling or rate protocol: each block of cycles at its rate for
 * cycles × 2/rate hours (a charge and a discharge of 1/rate hours each), one step per block, so a
 * hundred cycles read as one plateau and a rate test as its staircase.
 */
function cRatePlan(p: Decl, runs: PlannedRun[], a: SpecAnalysis, line: number): ChartModel | undefined {
  const steps: { n: number; rate: number }[] = [];
  if (p.type?.name === 'cycling') {
    const pre = value(p.props, 'precycle', 'countAtRate'), main = value(p.props, 'cycles', 'countAtRate');
    if (pre) steps.push({ n: pre.n, rate: pre.rate.si });
    if (main) steps.push({ n: main.n, rate: main.rate.si });
  } else {
    const each = value(p.props, 'cycles-each', 'count')?.n;
    const rates = [...(value(p.props, 'rates', 'list')?.items ?? []), ...(quantity(p.props, 'return') ? [quantity(p.props, 'return')!] : [])];
    if (each) for (const r of rates) steps.push({ n: each, rate: r.si });
  }
  const valid = steps.filter((s) => s.n > 0 && s.rate > 0);
  if (!valid.length) return undefined;
  const blocks = valid.map((s) => ({ level: s.rate, seconds: phys.cyclingTime(s.n, s.rate) }));
  const total = blocks.reduce((t, b) => t + b.seconds, 0);
  const { unit, per } = timeUnit(total);
  const currents = runs.map((r) => derivedOf(a, r, 'run.cRateCurrents')).filter((d): d is Derived => !!d);
  return {
    id: `plan-${p.name!.name}`, kind: 'plan', title: `Planned C-rate schedule: ${p.name!.name}`, x: { title: 'time', unit }, y: { title: 'C-rate', unit: 'C', zero: true },
    series: [timed('programmed C-rate', squareWave(blocks), per, 1)],
    notes: [`${valid.map((s) => `${s.n} × ${formatNumber(s.rate)} C`).join(', ')}: ${formatQuantity(total, 'h')} without rests.`,
      ...currents.map((d) => `${d.owner.replace(/^.* on /, '')}: ${d.text}`)],
    line, place: { group: p.name!.name, label: 'planned C-rates' },
    derivation: 'Each cycle charges and discharges at its C-rate for 1/rate hours each (no rests or CV steps), so a block of n cycles lasts n × 2/rate hours; the current densities follow from each cell\'s cathode (i = rate × 1C × active mass per area).',
  };
}

const PLANS: Record<string, (p: Decl, runs: PlannedRun[], a: SpecAnalysis, line: number) => ChartModel | undefined> = {
  ccd: ccdPlan, strip: stripPlan, sand: sandPlan, cycling: cRatePlan, rate: cRatePlan,
};

/** A chart per protocol all of whose runs are plans, in the order the spec declares the protocols. */
export function protocolPlans(a: SpecAnalysis, planned: PlannedRun[], lineOf: (offset: number) => number): ChartModel[] {
  const protocols = [...new Set(planned.map((r) => r.protocol))];
  return protocols.flatMap((p) => {
    const build = PLANS[p.type?.name ?? ''];
    const runs = planned.filter((r) => r.protocol === p);
    const line = p.uri === a.file.uri ? lineOf(p.syntax.keyword.start) : runs[0].line;
    const chart = build?.(p, runs, a, line);
    return chart ? [chart] : [];
  });
}

/**
 * The study as a schedule: each cell on its own channel, its runs one after another in the order
 * the spec lists them, each as long as the engine's predicted duration.
 */
export function studyTimeline(a: SpecAnalysis, planned: PlannedRun[], legend: Legend, studyLine: number): ChartModel[] {
  const cells: string[] = [];
  const series: ChartSeries[] = [];
  const unknown: string[] = [];
  const clock = new Map<string, number>();
  const schedule = new Map<string, string[]>();
  for (const r of planned) {
    const cell = r.cell.name!.name;
    const seconds = derivedOf(a, r, 'run.duration')?.si;
    if (seconds === undefined || !Number.isFinite(seconds)) { unknown.push(r.name); continue; }
    if (!cells.includes(cell)) cells.push(cell);
    const from = clock.get(cell) ?? 0;
    clock.set(cell, from + seconds);
    const k = cells.indexOf(cell);
    // Successive runs of one cell alternate between the build's colour and a lighter shade of it.
    const nth = series.filter((s) => s.points[0][1] === k).length;
    series.push({ name: r.name, mark: 'line', points: [[from / 86400, k], [(from + seconds) / 86400, k]], colorKey: legend.keyOf(cell), line: r.line, shade: nth % 2 ? 0.4 : 0 });
    schedule.set(cell, [...(schedule.get(cell) ?? []), `${r.protocol.name!.name} ${formatQuantity(seconds, seconds > 3 * 86400 ? 'd' : 'h')}`]);
  }
  if (!series.length) return [];
  const longest = Math.max(...clock.values());
  const notes = [...[...schedule].map(([cell, runs]) => `${cell}: ${runs.join(', then ')}`),
    `The longest cell needs ${formatQuantity(longest, 'd')} (${formatQuantity(longest, 'h')}); ${formatQuantity([...clock.values()].reduce((s, x) => s + x, 0), 'd')} on one channel.`];
  if (unknown.length) notes.push(`No predicted duration: ${unknown.join(', ')}.`);
  return [{
    id: 'plan-timeline', kind: 'timeline', title: 'Study timeline', x: { title: 'time', unit: 'd' }, y: { title: 'cell', unit: '', categories: cells },
    series, notes, line: studyLine, place: { group: 'study', label: 'timeline' },
    derivation: 'Each cell on its own channel, its runs one after another in the order of the spec; a run lasts its predicted duration (CCD: every step without a short; strip and Sand: the predicted depletion or the Li inventory; cycling and rate: cycles × 2 h / C-rate, no rests).',
  }];
}
