// From a checked spec to data jobs: for each run with data, everything the analysis of its files
// needs, in SI units, as plain JSON (it crosses to a worker thread). Reads no files.
import { SpecAnalysis } from '../engine/specAnalysis';
import { cellFacts, cRateCurrents } from '../engine/compute';
import { Span } from '../engine/lexer';
import { buildOf, Decl, quantity, value } from '../engine/model';
import { ColumnKind, FormatId } from '../readers/types';
import type { Roots } from '../roots';

export interface DataPattern extends Span {
  /** As written in the spec: a path or a glob, relative to the spec's folder. */
  pattern: string;
}

/**
 * The user's analysis thresholds (settings cellspec.analysis.*); absent ones take the analyses'
 * own defaults, so the CLI and a server without settings compute the same results.
 */
export interface AnalysisSettings {
  /** CCD short: |V| below this fraction of the step's reference polarisation has collapsed (0.3). */
  shortCollapseFraction?: number;
  /** CCD short: the share of collapsed samples in one window that proves it (0.5). */
  shortSustainFraction?: number;
}

export interface RunJob {
  run: string;
  uri: string;
  /** The run's header, where run-level findings are reported. */
  header: Span;
  baseDir: string;
  /** The folders data files may be read from (after symlinks); see server/roots.ts. */
  roots: Roots;
  patterns: DataPattern[];
  format?: FormatId;
  /** Which test of a file that holds several (Arbin .res), as the spec's `channel` says. */
  channel?: string;
  /** The run's `columns` block: column kind -> the column's name in the files. */
  mapping?: Partial<Record<ColumnKind, string>>;
  /** The run's `stripped` list: the capacity stripped when each spectrum was taken (C/m²), in file-name order. */
  stripped?: number[];
  /** The run's `temperatures` list: the temperature of each spectrum (K), in file-name order. */
  temperatures?: number[];
  protocol: {
    name: string;
    type: string;
    /** Current densities, A/m²: strip current, sand currents, ccd start/step/until. */
    current?: number;
    currents?: number[];
    start?: number;
    step?: number;
    until?: number;
    halfCycle?: number;
    cutoff?: number;
    window?: [number, number];
    precycles?: number;
    cycles?: number;
    /** Cycling and rate C-rates with the current density each implies (A/m²). */
    rates?: { rate: number; density: number }[];
    cyclesEach?: number;
    /** EIS schedule of the protocol's `eis` companion: every N cycles or every X C/m². */
    eisEvery?: { cycles?: number; capacity?: number };
    /** How spectra are analysed: the equivalent circuit (the run's, else the eis protocol's), ... */
    circuit?: string;
    /** Where that circuit is written, when it is in this file (hover and hints show the fit there). */
    circuitSpan?: Span;
    /** Parameters held fixed and bounds, by impedance.py name (the same declaration as the circuit). */
    fixed?: Record<string, number>;
    bounds?: Record<string, [number, number]>;
    weighting?: 'unit' | 'modulus' | 'proportional';
    /** ... where R_ohm for contact retention comes from, and the DRT's λ (GCV when absent). */
    rOhmFrom?: 'intercept' | 'fit';
    drtLambda?: number;
    /** Conductivity and Arrhenius: where R_b comes from; the series' temperatures (K), the form fitted. */
    rBFrom?: 'intercept' | 'fit';
    temperatures?: number[];
    form?: 'sigma-T' | 'sigma';
    /** GITT: pulse length and rest (s), pulses planned, diffusion length (m). */
    pulse?: number;
    rest?: number;
    pulses?: number;
    diffusionLength?: number;
    /** Symmetric cycling: capacity per half-cycle (C/m²). */
    capacity?: number;
    /** DC polarisation: the voltage held (V) and for how long (s). */
    voltage?: number;
    hold?: number;
    /** Cycling: the width of the dQ/dV smoothing window (V), when asked for. */
    dqdv?: number;
  };
  cell: {
    name: string;
    /** The build the cell is a replicate of; the cell's own name when it has no replicates. */
    build: string;
    area?: number;
    /** Active cathode mass, kg. */
    activeMass?: number;
    /** Anode name for grouping results: the interlayer if any, else the metal. */
    anode?: string;
    c0?: number;
    inventory?: number;
    /** The electrolyte of the stack and the pellet thickness L (m) of σ = L/(R A). */
    electrolyte?: { name: string; formula?: string; thickness?: number };
    /** The cell's (or the study's) temperature (K). */
    temperature?: number;
  };
  analysis: AnalysisSettings;
}

export function buildJobs(a: SpecAnalysis, baseDir: string, roots: Roots, analysis: AnalysisSettings = {}): RunJob[] {
  const jobs: RunJob[] = [];
  for (const run of a.file.decls) {
    if (run.keyword !== 'run') continue;
    const data = value(run.props, 'data', 'strings');
    if (!data) continue;
    const proto = run.protocolRef && a.scope.protocol.get(run.protocolRef.name);
    const cell = run.cellRef && a.scope.cell.get(run.cellRef.name);
    if (!proto || !cell || proto.keyword !== 'protocol' || cell.keyword !== 'cell') continue;
    jobs.push({
      run: run.name!.name,
      uri: a.file.uri,
      header: { start: run.syntax.keyword.start, end: run.name!.end },
      baseDir,
      roots,
      patterns: data.items.map((d) => ({ pattern: d.text, start: d.start, end: d.end })),
      format: value(run.props, 'format', 'enum')?.word as FormatId | undefined,
      channel: value(run.props, 'channel', 'string')?.text,
      mapping: columnMapping(run),
      stripped: value(run.props, 'stripped', 'list')?.items.map((x) => x.si),
      temperatures: value(run.props, 'temperatures', 'list')?.items.map((x) => x.si),
      protocol: { ...protocolParameters(proto, a, cell), ...eisParameters(run, proto, a) },
      cell: cellParameters(cell, a),
      analysis,
    });
  }
  return jobs;
}

/** The EIS settings: an eis protocol's own, or those of the protocol's `eis` companion; the run's circuit wins. */
function eisParameters(run: Decl, proto: Decl, a: SpecAnalysis): Partial<RunJob['protocol']> {
  const ownSpectra = ['eis', 'conductivity', 'arrhenius'].includes(proto.type?.name ?? '');
  const companion = ownSpectra ? proto : (() => {
    const name = value(proto.props, 'eis', 'ref')?.ref.name;
    return name ? a.scope.protocol.get(name) : undefined;
  })();
  const own = run.props.get('circuit');
  const from = own ? run : companion?.props.get('circuit') ? companion : undefined;
  const entry = from?.props.get('circuit');
  const circuit = entry?.value?.shape === 'string' ? entry.value.text : undefined;
  const fixedV = from && value(from.props, 'fix', 'assignments');
  const boundsV = from && value(from.props, 'bound', 'bounds');
  return {
    circuit,
    fixed: fixedV ? Object.fromEntries(fixedV.items.map((i) => [i.name, i.n])) : undefined,
    bounds: boundsV ? Object.fromEntries(boundsV.items.map((i) => [i.name, [i.lo, i.hi] as [number, number]])) : undefined,
    circuitSpan: entry && from!.uri === a.file.uri ? { start: entry.prop.values[0]?.start ?? entry.prop.start, end: entry.prop.end } : undefined,
    weighting: companion && value(companion.props, 'weighting', 'enum')?.word as RunJob['protocol']['weighting'],
    rOhmFrom: companion && value(companion.props, 'r-ohm', 'enum')?.word as RunJob['protocol']['rOhmFrom'],
    drtLambda: companion && value(companion.props, 'drt-lambda', 'number')?.n,
    rBFrom: ownSpectra ? value(proto.props, 'r-b', 'enum')?.word as RunJob['protocol']['rBFrom'] : undefined,
  };
}

function columnMapping(run: Decl): RunJob['mapping'] {
  const block = value(run.props, 'columns', 'columns');
  if (!block) return undefined;
  const out: Partial<Record<ColumnKind, string>> = {};
  for (const [key, e] of block.props) {
    if (e.value?.shape === 'string') out[key.replace(/-([a-z])/, (_, c: string) => c.toUpperCase()) as ColumnKind] = e.value.text;
  }
  return out;
}

function protocolParameters(p: Decl, a: SpecAnalysis, cell: Decl): RunJob['protocol'] {
  const q = (k: string) => quantity(p.props, k)?.si;
  const window = value(p.props, 'window', 'range');
  const eisName = value(p.props, 'eis', 'ref')?.ref.name;
  // The schedule of the spectra: an eis protocol's own, or that of the protocol's eis companion.
  const eis = p.type?.name === 'eis' ? p : eisName ? a.scope.protocol.get(eisName) : undefined;
  const every = eis && value(eis.props, 'every', 'every');
  const f = cellFacts(cell, a.scope);
  return {
    name: p.name!.name,
    type: p.type?.name ?? '',
    current: q('current'),
    currents: value(p.props, 'currents', 'list')?.items.map((x) => x.si),
    start: q('start'), step: q('step'), until: q('until'), halfCycle: q('half-cycle'), cutoff: q('cutoff'),
    window: window ? [window.lo.si, window.hi.si] : undefined,
    precycles: value(p.props, 'precycle', 'countAtRate')?.n,
    cycles: value(p.props, 'cycles', 'countAtRate')?.n,
    rates: cRateCurrents(p, f).map((c) => ({ rate: c.rate.si, density: c.density })),
    cyclesEach: value(p.props, 'cycles-each', 'count')?.n,
    eisEvery: every ? { cycles: every.cycles, capacity: every.capacity?.si } : undefined,
    temperatures: p.type?.name === 'arrhenius' ? value(p.props, 'temperatures', 'list')?.items.map((x) => x.si) : undefined,
    form: value(p.props, 'form', 'enum')?.word as RunJob['protocol']['form'],
    pulse: q('pulse'), rest: q('rest'), pulses: value(p.props, 'pulses', 'count')?.n, diffusionLength: q('diffusion-length'),
    capacity: p.type?.name === 'symmetric-cycling' ? q('capacity') : undefined,
    voltage: q('voltage'), hold: q('hold'), dqdv: q('dqdv'),
  };
}

function cellParameters(cell: Decl, a: SpecAnalysis): RunJob['cell'] {
  const f = cellFacts(cell, a.scope);
  return {
    name: cell.name!.name,
    build: buildOf(cell).name!.name,
    area: f.area?.si,
    activeMass: f.activeMass,
    anode: f.interlayer?.name?.name ?? f.anode?.metal.name?.name,
    c0: f.c0,
    inventory: f.inventory,
    electrolyte: f.electrolyte && { name: f.electrolyte.material.name!.name, formula: value(f.electrolyte.material.props, 'formula', 'string')?.text, thickness: f.electrolyte.thickness },
    temperature: f.temperature?.si,
  };
}
