// Generates a large, realistic, valid study in the benchmark model (model.ts): an interlayer
// screening campaign with many materials, composites, symmetric/half/full cells, protocols of
// every type and the runs that apply them. It imports the lab library (materials.cellspec, the
// one of examples/) and uses its materials next to its own. Deterministic (seeded).
//
//   node out/bench/generate.js <dir> [lines]   writes <dir>/study-large.cellspec (+ materials.cellspec, .yaml)
import * as fs from 'fs';
import * as path from 'path';
import { BDecl, BProp, count, prop, raw, str, toCellspec, toYaml, word } from './model';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 3) => String(n).padStart(w, '0');
/** A number as a short decimal (no float noise). */
const num = (x: number, digits = 3) => String(+x.toFixed(digits));

interface Pools {
  foils: string[]; electrolytes: string[]; carbons: string[]; binders: string[]; additives: string[];
  cathodes: { name: string; capacity: number; lo: number; hi: number }[]; collectors: string[]; counters: string[];
}

/** The study's own materials (the library of the lab comes by import). */
function materials(r: () => number): { decls: BDecl[]; pools: Pools } {
  const decls: BDecl[] = [];
  const pools: Pools = { foils: ['Li'], electrolytes: ['LPSC'], carbons: ['GMWNT', 'FG'], binders: ['PVDF'], additives: [], cathodes: [{ name: 'NCM9', capacity: 180, lo: 2.5, hi: 4.6 }], collectors: ['Cu'], counters: ['LiIn'] };
  const m = (name: string, props: BProp[], comment?: string) => decls.push({ keyword: 'material', name, props, comment });

  // Li foils from several suppliers and thicknesses: same chemistry, own priors.
  for (let i = 1; i <= 12; i++) {
    const name = `Li-f${pad(i, 2)}`;
    pools.foils.push(name);
    m(name, [
      prop('role', word('metal')),
      prop('formula', str('Li')),
      prop('density', raw('0.534 g/cm³')),
      prop('molar-mass', raw('6.941 g/mol')),
      prop('D_eff', raw(`${num(1.5 + r() * 3, 2)}e-10 cm²/s`), 'Sand fit of the supplier qualification'),
      prop('ccd', raw(`${num(0.5 + r() * 0.6, 2)} mA/cm²`)),
    ], i === 1 ? '--- Li foils (supplier lots) ---' : undefined);
  }
  m('LiAl', [prop('role', word('alloy')), prop('formula', str('LiAl'))], '--- counter electrodes ---');
  pools.counters.push('LiAl');
  for (const [name, formula] of [['SS', 'Fe-Cr-Ni'], ['Ni', 'Ni'], ['Ti', 'Ti']]) {
    m(name, [prop('role', word('collector')), prop('formula', str(formula))]);
    pools.collectors.push(name);
  }
  // Solid electrolytes: families and their batches.
  const families: [string, string, number][] = [['LPSC', 'Li6PS5Cl', 1.64], ['LPSB', 'Li6PS5Br', 1.9], ['LGPS', 'Li10GeP2S12', 2.04], ['LYC', 'Li3YCl6', 2.4], ['LZC', 'Li2ZrCl6', 2.9]];
  for (const [fam, formula, rho] of families) {
    for (let b = 1; b <= 6; b++) {
      const name = `${fam}-b${pad(b, 2)}`;
      pools.electrolytes.push(name);
      m(name, [prop('role', word('electrolyte')), prop('formula', str(formula)), prop('density', raw(`${num(rho * (0.97 + r() * 0.06), 3)} g/cm³`))],
        b === 1 ? `--- ${fam} batches ---` : undefined);
    }
  }
  // Cathode active materials.
  const cathodes: [string, string, number, number, number][] = [['NCM811', 'LiNi0.8Co0.1Mn0.1O2', 200, 2.5, 4.4], ['NCM622', 'LiNi0.6Co0.2Mn0.2O2', 175, 2.5, 4.4], ['NCM523', 'LiNi0.5Co0.2Mn0.3O2', 165, 2.5, 4.4],
    ['NCA', 'LiNi0.8Co0.15Al0.05O2', 195, 2.5, 4.3], ['LCO', 'LiCoO2', 150, 3.0, 4.4], ['LNMO', 'LiNi0.5Mn1.5O4', 135, 3.5, 4.9]];
  for (const [name, formula, cap, lo, hi] of cathodes) {
    pools.cathodes.push({ name, capacity: cap, lo, hi });
    m(name, [prop('role', word('cathode')), prop('formula', str(formula)), prop('capacity', raw(`${cap} mAh/g`)), prop('window', raw(`${lo} V .. ${hi} V`))],
      name === 'NCM811' ? '--- cathodes ---' : undefined);
  }
  // Interlayer ingredients.
  for (const [name, formula] of [['SWCNT', 'C'], ['MWCNT', 'C'], ['rGO', 'C'], ['AB', 'C'], ['SuperP', 'C'], ['VGCF', 'C'], ['KB', 'C'], ['CF', 'C'], ['HC', 'C'], ['FG2', 'CFx']]) {
    m(name, [prop('role', word('carbon')), prop('formula', str(formula))], name === 'SWCNT' ? '--- carbons ---' : undefined);
    pools.carbons.push(name);
  }
  for (const name of ['PTFE', 'SBR', 'NBR', 'PEO', 'CMC']) { m(name, [prop('role', word('binder'))]); pools.binders.push(name); }
  for (const [name, formula] of [['Ag', 'Ag'], ['Mg', 'Mg'], ['LiF', 'LiF'], ['Li3N', 'Li3N'], ['ZnO', 'ZnO'], ['Sn', 'Sn']]) {
    m(name, [prop('role', word('alloy')), prop('formula', str(formula))]);
    pools.additives.push(name);
  }
  return { decls, pools };
}

export interface Generated { decls: BDecl[]; /** The ccd protocol whose `start` the edit benchmark types into. */ editProtocol: string }

/** A study of `composites` interlayers; `generate()` picks the count for a number of lines. */
export function generateStudy(composites: number, seed = 20250733): Generated {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const { decls: mats, pools } = materials(r);
  const decls: BDecl[] = [{ keyword: 'import', title: 'materials.cellspec', props: [], comment: 'Interlayer screening campaign (generated for the benchmark): composites of two carbons, a binder\nand sometimes an alloying additive, each tested in symmetric, half and full cells.' }];
  decls.push({ keyword: 'study', title: `Interlayer screening, ${composites} compositions`, props: [prop('temperature', raw('25 °C')), prop('pressure', raw('5 MPa'), 'stack pressure'), prop('diameter', raw('9 mm'))] });
  decls.push(...mats);

  const comps: BDecl[] = [], cells: BDecl[] = [], protos: BDecl[] = [], runs: BDecl[] = [];
  const blocks = Math.ceil(composites / 10);
  const ccds: string[] = [];
  // Protocols: one set per block of ten compositions (each block is a week of the campaign).
  const blockProtos = (b: number) => {
    const t = `w${pad(b, 2)}`;
    const p = (name: string, type: string, props: BProp[], comment?: string) => protos.push({ keyword: 'protocol', name, type, props, comment });
    p(`eis-strip-${t}`, 'eis', [prop('amplitude', raw('10 mV')), prop('frequencies', raw('1 MHz .. 0.1 Hz')), prop('points-per-decade', count(10)), prop('every', raw(`${pick([0.5, 1, 2])} mAh/cm²`))], `--- protocols of week ${b} ---`);
    p(`eis-cyc-${t}`, 'eis', [prop('amplitude', raw(`${pick([5, 10])} mV`)), prop('frequencies', raw('7 MHz .. 0.1 Hz')), prop('points-per-decade', count(pick([6, 8, 10]))), prop('every', raw(`${pick([10, 20, 25])} cycles`))]);
    const start = pick([0.05, 0.1, 0.2]);
    p(`ccd-${t}`, 'ccd', [prop('start', raw(`${start} mA/cm²`)), prop('step', raw(`${pick([0.05, 0.1, 0.2])} mA/cm²`)), prop('half-cycle', raw(`${pick([0.5, 1])} h`)), prop('until', raw(`${pick([2, 3, 4])} mA/cm²`)), prop('stop', raw('on short'))]);
    ccds.push(`ccd-${t}`);
    for (const cur of [0.5, pick([1, 1.5, 2])]) {
      p(`strip-${num(cur, 1).replace('.', 'p')}-${t}`, 'strip', [prop('current', raw(`${num(cur, 2)} mA/cm²`)), prop('cutoff', raw('-0.4 V'), 'vs the counter electrode'), prop('capacity', raw(`${pick([4, 6, 8])} mAh/cm²`)), prop('eis', word(`eis-strip-${t}`))]);
    }
    p(`sand-${t}`, 'sand', [prop('currents', raw(pick(['0.25, 0.5, 0.75, 1', '0.5, 1, 2, 3', '0.2, 0.4, 0.6']) + ' mA/cm²')), prop('cutoff', raw('-0.4 V'))]);
    p(`cyc-${t}`, 'cycling', [prop('window', raw('2.8 V .. 4.3 V')), prop('1C', raw('180 mAh/g')), prop('precycle', raw(`${pick([1, 2, 3])} at 0.05 C`)), prop('cycles', raw(`${pick([100, 200, 300])} at ${pick([0.1, 0.2, 0.3, 0.5])} C`)), prop('eis', word(`eis-cyc-${t}`))]);
    p(`rate-${t}`, 'rate', [prop('window', raw('3.0 V .. 4.3 V')), prop('rates', raw(pick(['0.1, 0.2, 0.5, 1', '0.1, 0.2, 0.3, 0.4, 0.5', '0.05, 0.1, 0.2, 0.5, 1, 2']) + ' C')), prop('cycles-each', count(pick([3, 5, 10]))), prop('return', raw('0.1 C'))]);
    return t;
  };

  for (let b = 1; b <= blocks; b++) {
    const t = blockProtos(b);
    // A bare-Li control per block.
    const foil = pick(pools.foils), sse = pick(pools.electrolytes);
    cells.push({ keyword: 'cell', name: `sym-ctrl-${t}`, type: 'symmetric', props: [prop('stack', { kind: 'stack', layers: [{ name: 'Cu' }, { name: foil, thickness: '50 µm' }, { name: sse, thickness: '600 µm' }, { name: foil, thickness: '50 µm' }, { name: 'Cu' }] })], comment: `--- cells of week ${b} ---` });
    runs.push({ keyword: 'run', name: `ccd-${t}`, type: `sym-ctrl-${t}`, props: [prop('note', str('bare Li control of the week'))], comment: `--- runs of week ${b} ---` });
    for (let k = 1; k <= 10 && (b - 1) * 10 + k <= composites; k++) {
      const i = (b - 1) * 10 + k;
      const name = `IL${pad(i)}`;
      const [c1, c2] = [pick(pools.carbons), pick(pools.carbons)];
      const carbons = c1 === c2 ? [{ name: c1 }] : [{ name: c1, part: 1 + Math.floor(r() * 10) }, { name: c2, part: 1 + Math.floor(r() * 10) }];
      const props: BProp[] = [prop('carbon', { kind: 'members', members: carbons }), prop('binder', { kind: 'members', members: [{ name: pick(pools.binders) }] })];
      const additive = r() < 0.3 ? pick(pools.additives) : undefined;
      if (additive) props.push(prop('additive', { kind: 'members', members: [{ name: additive }] }));
      const groups = additive ? ['carbon', 'binder', 'additive'] : ['carbon', 'binder'];
      const parts = additive ? [10, 1, 1 + Math.floor(r() * 3)] : [pick([8, 10, 12]), 1];
      props.push(prop('ratio', { kind: 'members', members: groups.map((g, j) => ({ name: g, part: parts[j] })) }));
      props.push(prop('thickness', raw(`${15 + Math.floor(r() * 16)} µm ± ${pick([0.5, 1])} µm`)));
      props.push(prop('D_eff', raw(`${num(2 + r() * 9, 2)}e-10 cm²/s`), r() < 0.5 ? 'Sand fit' : undefined));
      if (r() < 0.7) props.push(prop('ccd', raw(`${num(0.8 + r() * 1.6, 2)} mA/cm²`)));
      comps.push({ keyword: 'composite', name, props, comment: k === 1 ? `--- interlayers of week ${b} ---` : undefined });

      const li = pick(pools.foils), se = pick(pools.electrolytes), liT = `${pick([20, 30, 50, 100])} µm`, seT = `${pick([400, 500, 600, 800])} µm`;
      const env: BProp[] = r() < 0.2 ? [prop('pressure', raw(`${pick([2, 10, 20, 50])} MPa`))] : r() < 0.1 ? [prop('temperature', raw(`${pick([0, 45, 60])} °C`))] : [];
      const col = pick(pools.collectors);
      cells.push({ keyword: 'cell', name: `sym-${name}`, type: 'symmetric', props: [...env, prop('stack', { kind: 'stack', layers: [{ name: col }, { name: li, thickness: liT }, { name }, { name: se, thickness: seT }, { name }, { name: li, thickness: liT }, { name: col }] })] });
      cells.push({ keyword: 'cell', name: `half-${name}`, type: 'half', props: [...env, prop('stack', { kind: 'stack', layers: [{ name: col }, { name: li, thickness: liT }, { name }, { name: se, thickness: seT }, { name: pick(pools.counters), thickness: '100 µm' }] })] });
      const cat = pick(pools.cathodes);
      cells.push({ keyword: 'cell', name: `full-${name}`, type: 'full', props: [...env,
        prop('stack', { kind: 'stack', layers: [{ name: col }, { name: li, thickness: liT }, { name }, { name: se, thickness: seT }, { name: cat.name }] }),
        prop('cathode', { kind: 'cathode', material: cat.name, props: [prop('loading', raw(`${pick([8, 10, 12, 15, 20])} mg/cm²`)), prop('active', raw(`${pick([60, 67, 70, 75, 80])} wt%`)), prop('capacity', raw(`${cat.capacity} mAh/g`))] })] });

      const note = (s: string) => prop('note', str(s));
      runs.push({ keyword: 'run', name: `ccd-${t}`, type: `sym-${name}`, props: [note(`CCD of ${name}`)] });
      runs.push({ keyword: 'run', name: `strip-0p5-${t}`, type: `half-${name}`, props: [prop('data', { kind: 'strings', items: [`data/${t}/strip-${name}.mpt`] }), prop('format', word('biologic-mpt'))] });
      runs.push({ keyword: 'run', name: `sand-${t}`, type: `half-${name}`, props: [note('D_eff fit from t0^-1/2 vs i')] });
      runs.push({ keyword: 'run', name: `cyc-${t}`, type: `full-${name}`, props: [note(`long cycling of ${name} vs ${cat.name}`)] });
      if (r() < 0.5) runs.push({ keyword: 'run', name: `rate-${t}`, type: `full-${name}`, props: [prop('data', { kind: 'strings', items: [`data/${t}/rate-${name}-*.csv`] }), prop('format', word('csv'))] });
    }
  }
  decls.push(...comps, ...cells, ...protos, ...runs);
  return { decls, editProtocol: ccds[Math.floor(ccds.length / 2)] };
}

/** The smallest generated study with at least `lines` lines of cellspec. */
export function generate(lines: number): Generated {
  let n = Math.max(10, Math.round(lines / 55));
  for (let guard = 0; guard < 200; guard++) {
    const g = generateStudy(n);
    if (toCellspec(g.decls).split('\n').length >= lines) return g;
    n += Math.max(1, Math.ceil((lines - toCellspec(g.decls).split('\n').length) / 60));
  }
  throw new Error('generator did not reach the line count');
}

export const EXAMPLES = path.resolve(__dirname, '../../examples');

/** Writes materials.cellspec (copied from examples/), the large study as .cellspec and as .yaml. */
export function writeLarge(dir: string, lines: number, schemaUri?: string): { cellspec: string; yaml: string; editProtocol: string } {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(EXAMPLES, 'materials.cellspec'), path.join(dir, 'materials.cellspec'));
  const g = generate(lines);
  const cellspec = path.join(dir, 'study-large.cellspec'), yaml = path.join(dir, 'study-large.yaml');
  fs.writeFileSync(cellspec, toCellspec(g.decls));
  fs.writeFileSync(yaml, toYaml(g.decls, schemaUri));
  return { cellspec, yaml, editProtocol: g.editProtocol };
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) { console.error('usage: node out/bench/generate.js <dir> [lines]'); process.exit(2); }
  const w = writeLarge(path.resolve(dir), Number(process.argv[3] ?? 10000), 'file://' + path.resolve(__dirname, '../../bench/study.schema.json'));
  for (const f of [w.cellspec, w.yaml]) console.log(`${f}: ${fs.readFileSync(f, 'utf8').split('\n').length} lines`);
}
