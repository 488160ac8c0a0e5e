// The study's results as one JSON document: diagnostics, derived values and run results, every
// number with its unit in the field's units. The CLI prints it; its schema is
// docs/analyze.schema.json (keys are stable).
import * as path from 'path';
import { URI } from 'vscode-uri';
import { SpecAnalysis } from '../engine/specAnalysis';
import { Diagnostic } from '../engine/syntax';
import { fromSI, parseUnit } from '../domain/units';
import type { RunOutcome } from './study';
import { inDisplayUnits } from '../domain/format';
import { summarize } from './summaries';
import { BuildResults, buildResults, displayUnit, FigureStats } from './builds';

export const SCHEMA_VERSION = 1;

export interface ReportOptions { points?: boolean; cwd?: string }

export function buildReport(a: SpecAnalysis, diagnostics: Diagnostic[], outcomes: RunOutcome[], options: ReportOptions = {}) {
  const runs = outcomes.map((o) => o.result);
  const fsPath = URI.parse(a.file.uri).fsPath;
  const rel = path.relative(options.cwd ?? process.cwd(), fsPath) || fsPath;
  return {
    schemaVersion: SCHEMA_VERSION,
    spec: rel,
    diagnostics: [...diagnostics].sort((x, y) => x.start - y.start).map((d) => {
      const p = a.file.lines.position(d.start);
      return { line: p.line + 1, column: p.character + 1, severity: d.severity, code: d.code, message: d.message };
    }),
    derived: a.derived.map((d) => {
      const u = d.unit ? parseUnit(d.unit) : undefined;
      const value = d.si !== undefined ? (u && !('error' in u) ? fromSI(d.si, u) : d.si) : undefined;
      return { owner: d.owner, key: d.key, label: d.label, value, unit: d.unit, text: d.text, formula: d.formula, inputs: d.inputs, line: a.file.lines.position(d.anchor.start).line + 1 };
    }),
    runs: runs.map((r) => ({
      run: r.run, protocol: r.protocol, type: r.type, cell: r.cell, build: r.build, anode: r.anode,
      files: r.files, issues: r.issues.map(({ at: _at, ...i }) => i), plan: r.plan,
      ...(r.live ? { live: present(r.live, false) } : {}),
      summary: summarize(r).map(({ label, text }) => ({ label, text })),
      results: present({
        ccd: r.ccd, stripping: r.stripping, sand: r.sand, contact: r.contact, cycling: r.cycling, rate: r.rate,
        conductivity: r.conductivity, arrhenius: r.arrhenius, gitt: r.gitt, symmetric: r.symmetric, dcPolarisation: r.dcPolarisation, incrementalCapacity: r.incrementalCapacity,
      }, !!options.points),
    })),
    ...buildSections(buildResults(a, outcomes)),
  };
}

/** The `builds` and `comparisons` sections: every number in the figure's display unit (ratios in %). */
function buildSections(b: BuildResults) {
  const stats = (f: FigureStats) => {
    const d = displayUnit(f.unit), k = (x: number) => x * d.factor;
    const s = f.summary;
    return {
      protocol: f.protocol, figure: f.figure, ...(f.qualifier ? { qualifier: f.qualifier } : {}), label: f.label, unit: d.unit, n: s.n,
      mean: k(s.mean), ...(s.sd !== undefined ? { sd: k(s.sd), se: k(s.se!), dof: s.dof, tCritical: s.tCritical, ci95: s.ci95!.map(k) } : {}),
      ...(f.weighted ? { weighted: { mean: k(f.weighted.mean), se: k(f.weighted.se) } } : {}),
      combination: f.combination,
      cells: f.cells.map((c) => ({ cell: c.cell, run: c.run, value: k(c.value), ...(c.stderr !== undefined ? { stderr: k(c.stderr) } : {}), ...(c.note ? { note: c.note } : {}) })),
    };
  };
  return {
    builds: b.builds.map((x) => ({ build: x.build, cells: x.cells, figures: x.figures.map(stats) })),
    comparisons: b.comparisons.map((c) => ({
      name: c.name, reference: c.reference, builds: c.builds,
      figures: c.figures.map((f) => {
        const d = displayUnit(f.unit);
        return {
          protocol: f.protocol, figure: f.figure, ...(f.qualifier ? { qualifier: f.qualifier } : {}), label: f.label, unit: d.unit, reference: f.reference,
          builds: f.builds.map((x) => {
            const { protocol: _p, figure: _f, qualifier: _q, label: _l, unit: _u, cells: _c, combination: _m, ...numbers } = stats(x);
            return { build: x.build, ...numbers };
          }),
          tests: f.tests.map((t) => ({
            build: t.build, against: t.against,
            ...(t.test ? { difference: t.test.difference * d.factor, se: t.test.se * d.factor, t: t.test.t, dof: t.test.dof, p: t.test.p, significant: t.test.significant } : { why: t.why }),
          })),
          notes: f.notes,
        };
      }),
    })),
  };
}

/** Plain numbers in results that carry a unit by their key (SI), shown like estimates. */
const KEY_UNITS: Record<string, string> = {
  plannedCurrentDensity: 'A/m²', currentDensity: 'A/m²', capacity: 'C/m²', t0: 's',
  // The toolkit's: pellet geometry, temperatures, GITT voltages and pulse lengths, dQ/dV ranges.
  thickness: 'm', area: 'm²', temperature: 'K', tau: 's', dEs: 'V', dEt: 'V', irDrop: 'V', relaxedBefore: 'V', relaxedAfter: 'V', from: 'V', to: 'V',
};

/** Estimates to display units; plot points dropped unless asked for; typed arrays to lists. */
function present(node: unknown, points: boolean): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (ArrayBuffer.isView(node)) return Array.from(node as Float64Array);
  if (Array.isArray(node)) return node.map((x) => present(x, points));
  const o = node as Record<string, unknown>;
  if (typeof o.value === 'number' && typeof o.unit === 'string' && Object.keys(o).every((k) => k === 'value' || k === 'unit' || k === 'stderr')) {
    return inDisplayUnits(o as { value: number; unit: string; stderr?: number });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (k === 'points' && !points) continue;
    out[k] = typeof v === 'number' && KEY_UNITS[k] ? inDisplayUnits({ value: v, unit: KEY_UNITS[k] }) : present(v, points);
  }
  return out;
}
