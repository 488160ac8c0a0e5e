#!/usr/bin/env node
// Synthesises the data of examples/toolkit.cellspec: BioLogic EC-Lab text exports (.mpt) of the
// solid-state toolkit (domain.md, "The wider solid-state toolkit") from known parameters, with the
// noise a lab sees, so that the analyses have something to recover and to be uncertain about. None
// of it is a measurement. Plain Node ESM, no dependencies, deterministic (each file draws its noise
// from its own seeded generator): `node scripts/synthesize-toolkit-data.mjs [--out DIR]` rewrites
// examples/data/toolkit/ byte for byte. The parameters are in PARAMETERS below and in
// examples/data/toolkit/README.md; the tests read them back (test/toolkitCli.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const outAt = process.argv.indexOf('--out');
const OUT = outAt > 0 ? process.argv[outAt + 1] : join(ROOT, 'examples', 'data', 'toolkit');

const K_B = 8.617333e-5;                // eV/K
const PELLET_AREA = Math.PI * 0.5 ** 2; // cm², 10 mm blocking electrodes
const CELL_AREA = Math.PI * 0.45 ** 2;  // cm², 9 mm Li discs and cathodes
const L_CM = 0.06;                      // LPSC pellet, 600 µm
const ACTIVE_G = 12e-3 * 0.67 * CELL_AREA; // g of NCM9
const COMMENT = 'SYNTHESIZED by scripts/synthesize-toolkit-data.mjs from known parameters; not a measurement';

/** The figures the analyses should give back (within their stated uncertainty). */
export const PARAMETERS = {
  conductivity: { sigma25: 2.2e-3, temperature: 25, noise: 0.003 },             // S/cm, °C, relative |Z|
  arrhenius: { sigma25: 2.2e-3, ea: 0.31, temperatures: [-20, 0, 25, 40, 60, 80], chamberNoise: 0.1, noise: 0.003 }, // σT form
  gitt: { current: 0.1, pulse: 600, rest: 3600, pulses: 20, length: 1.7e-4, d0: 1e-11, resistance: 30, relax: 400, noise: 1e-4 }, // mA/cm², s, cm, cm²/s, Ω, s, V
  symmetric: { current: 0.5, capacity: 0.5, asr0: 20, asrGrowth: 0.004, shortAt: 161.3, noise: 5e-4 }, // mA/cm², mAh/cm², Ω·cm², per cycle, h, V
  dc: { voltage: 0.5, sigmaE: 5e-9, ionic: 2e-6, tau: 1200, hold: 10, noise: 0.01 },   // V, S/cm, A, s, h, relative
  dqdv: { cycles: 20, rate: 0.1, peaks: [{ v: 3.72, q: 0.9, w: 0.012 }, { v: 4.02, q: 0.7, w: 0.01 }, { v: 4.19, q: 0.5, w: 0.008 }], background: 1.2, lo: 3.0, hi: 4.3, hysteresis: 0.04, drift: 0.002, fade: 0.004, noise: 5e-4 },
};

// ---------------------------------------------------------------------------------------------
// Deterministic noise: mulberry32 seeded by FNV-1a of the file name, Box–Muller normals.

function prng(name) {
  let h = 0x811c9dc5;
  for (const ch of 'cellspec toolkit data / ' + name) { h ^= ch.charCodeAt(0); h = Math.imul(h, 0x01000193) >>> 0; }
  let a = h >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

// ---------------------------------------------------------------------------------------------
// EC-Lab text export: Latin-1, CRLF, the header counted by "Nb header lines", the column line
// ending with a tab, numbers as %.7E with three exponent digits (time with 9).

function expo(x, digits) {
  if (x === 0) x = 0;
  const m = /^(-?\d\.\d+)e([+-])(\d+)$/.exec(x.toExponential(digits));
  return `${m[1]}E${m[2]}${m[3].padStart(3, '0')}`;
}

function writeMpt(rel, technique, area, columns, rows) {
  const header = ['EC-Lab ASCII FILE', 'Nb header lines : NN', '', technique, '', 'Run on channel : 2 (SN 20417)', 'User : ',
    'Acquisition started on : 06/02/2025 09:00:00', 'Device : VMP-300 (SN 0447)', 'Electrolyte : Li6PS5Cl (LPSC), 600 µm pellet',
    `Comments : ${COMMENT}`, `Electrode surface area : ${area.toFixed(4)} cm²`, '', columns.join('\t') + '\t'];
  header[1] = `Nb header lines : ${header.length}`.padEnd(46);
  const fmt = columns.map((c) => (c === 'cycle number' ? (x) => String(x) : c === 'time/s' ? (x) => expo(x, 9) : (x) => expo(x, 7)));
  const text = header.concat(rows.map((r) => r.map((v, k) => fmt[k](v)).join('\t'))).join('\r\n') + '\r\n';
  const abs = join(OUT, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, Buffer.from(text, 'latin1'));
  console.log(`${rel}: ${rows.length} rows`);
}

// ---------------------------------------------------------------------------------------------
// Spectra of a pellet between stainless-steel electrodes: R_b + a blocking CPE (Q 2 µF·s^(α−1), α 0.9).

function blockingRows(rB, noise, seed, temperatureC) {
  const g = prng(seed);
  const rows = [];
  for (let k = 0; k <= 70; k++) {
    const f = 7e6 * 10 ** (-k / 10), w = 2 * Math.PI * f, alpha = 0.9, q = 2e-6;
    const mag = 1 / (q * w ** alpha);
    const re = rB + mag * Math.cos((alpha * Math.PI) / 2), im = -mag * Math.sin((alpha * Math.PI) / 2);
    const s = noise * Math.hypot(re, im);
    const row = [f, re + s * g(), -(im + s * g())];
    if (temperatureC !== undefined) row.push(temperatureC);
    rows.push(row);
  }
  return rows;
}

const rOf = (sigma) => L_CM / (sigma * PELLET_AREA);
const sigmaAt = (c, p) => { const t = c + 273.15; return (p.sigma25 * 298.15 / t) * Math.exp((-p.ea / K_B) * (1 / t - 1 / 298.15)); };

function conductivity() {
  const p = PARAMETERS.conductivity;
  writeMpt('conductivity/pellet-25C.mpt', 'Potentio Electrochemical Impedance Spectroscopy', PELLET_AREA, ['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm'], blockingRows(rOf(p.sigma25), p.noise, 'conductivity'));
}

function arrhenius() {
  const p = PARAMETERS.arrhenius;
  const g = prng('chamber');
  p.temperatures.forEach((c, k) => {
    const measured = c + p.chamberNoise * g();
    const name = `arrhenius/${String(k).padStart(2, '0')}-${c < 0 ? 'm' + -c : c}C.mpt`;
    writeMpt(name, 'Potentio Electrochemical Impedance Spectroscopy', PELLET_AREA, ['freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm', 'Temperature/°C'],
      blockingRows(rOf(sigmaAt(measured, p)), p.noise, name, Number(measured.toFixed(2))));
  });
}

// ---------------------------------------------------------------------------------------------
// GITT of a Li|LPSC|NCM9 cell: D(x) dips mid-charge; ΔE_s from an OCV curve; ΔE_t from Weppner–Huggins.

export const gittD = (k, p = PARAMETERS.gitt) => p.d0 * (1 - 0.6 * Math.sin((Math.PI * (k - 0.5)) / p.pulses)); // cm²/s of pulse k (1-based)

function gitt() {
  const p = PARAMETERS.gitt, g = prng('gitt');
  const i = (p.current * CELL_AREA) / 1000; // A
  const rows = [];
  const push = (t, v, a) => rows.push([t, v + p.noise * g(), a * 1000]);
  let t = 0, e = 3.65;
  for (let s = 0; s < p.rest; s += 30) push(t + s, e, 0);
  t += p.rest;
  for (let k = 1; k <= p.pulses; k++) {
    const dEs = 0.012 + 0.02 * (k / p.pulses) ** 2;
    const dEt = dEs * Math.sqrt((4 * p.length ** 2) / (Math.PI * p.pulse * gittD(k)));
    for (let s = 0; s < p.pulse; s += 5) push(t + s, e + i * p.resistance + dEt * Math.sqrt(s / p.pulse), i);
    t += p.pulse;
    const end = e + dEt, after = e + dEs;
    for (let s = 0; s < p.rest; s += 30) push(t + s, after + (end - after) * Math.exp(-s / p.relax), 0);
    t += p.rest;
    e = after;
  }
  writeMpt('gitt/gitt-NCM9.mpt', 'Galvanostatic Intermittent Titration Technique', CELL_AREA, ['time/s', 'Ewe/V', 'I/mA'], rows);
}

// ---------------------------------------------------------------------------------------------
// Li|LPSC|Li plated and stripped at 0.5 mA/cm², 0.5 mAh/cm² per half-cycle, until it shorts.

function symmetric() {
  const p = PARAMETERS.symmetric, g = prng('symmetric');
  const half = (p.capacity / p.current) * 3600, i = (p.current * CELL_AREA) / 1000;
  const rows = [];
  const cycles = Math.ceil((p.shortAt * 3600) / (2 * half)) + 3;
  for (let c = 1; c <= cycles; c++) {
    for (const sign of [-1, 1]) {
      const t0 = ((c - 1) * 2 + (sign < 0 ? 0 : 1)) * half;
      for (let s = 0; s < half; s += 60) {
        const t = t0 + s, shorted = t >= p.shortAt * 3600;
        const asr = p.asr0 * (1 + p.asrGrowth * (c - 1)); // Ω·cm²
        const eta = shorted ? 6e-4 * Math.abs(1 + 0.6 * g()) : (p.current / 1000) * asr * (1 + 0.25 * Math.exp(-s / 60));
        rows.push([t, sign * eta + p.noise * g(), sign * i * 1000, c]);
      }
    }
  }
  writeMpt('symmetric/sym-Li-0p5.mpt', 'Galvanostatic Cycling with Potential Limitation', CELL_AREA, ['time/s', 'Ewe/V', 'I/mA', 'cycle number'], rows);
}

// ---------------------------------------------------------------------------------------------
// DC polarisation of the pellet between stainless steel: the ionic current decays to I_ss = σ_e V A / L.

function dc() {
  const p = PARAMETERS.dc, g = prng('dc');
  const iss = (p.sigmaE * p.voltage * PELLET_AREA) / L_CM;
  const rows = [];
  for (let t = 0; t <= p.hold * 3600; t += 20) rows.push([t, p.voltage + 2e-5 * g(), (iss + p.ionic * Math.exp(-t / p.tau)) * (1 + p.noise * g()) * 1000]);
  writeMpt('dc/dc-pellet-0p5V.mpt', 'Chronoamperometry', PELLET_AREA, ['time/s', 'Ewe/V', 'I/mA'], rows);
}

// ---------------------------------------------------------------------------------------------
// Full-cell cycling at 0.1 C whose dQ/dV peaks move up with cycling while the capacity fades.

function qOfV(p, v, centre, scale) {
  let q = (p.background * scale * (v - p.lo)) / (p.hi - p.lo);
  for (const pk of p.peaks) q += scale * pk.q * (1 / (1 + Math.exp(-(v - centre(pk)) / pk.w)) - 1 / (1 + Math.exp(-(p.lo - centre(pk)) / pk.w)));
  return q;
}

function dqdv() {
  const p = PARAMETERS.dqdv, g = prng('dqdv');
  const i = (p.rate * 180 * ACTIVE_G) * 3.6 / 3600; // A: rate × 1C
  const rows = [];
  let t = 0;
  for (let c = 1; c <= p.cycles; c++) {
    const scale = 1 - p.fade * (c - 1), shift = p.drift * (c - 1);
    for (const dir of [1, -1]) {
      const centre = (pk) => pk.v + shift - (dir < 0 ? p.hysteresis : 0);
      const total = qOfV(p, p.hi, centre, scale), duration = total / i;
      for (let s = 0; s <= duration; s += 60) {
        const passed = dir > 0 ? i * s : total - i * s;
        let a = p.lo, b = p.hi;
        for (let it = 0; it < 50; it++) { const m = (a + b) / 2; if (qOfV(p, m, centre, scale) < passed) a = m; else b = m; }
        rows.push([t + s, (a + b) / 2 + p.noise * g(), dir * i * 1000, c]);
      }
      t += duration + 60;
    }
  }
  writeMpt('dqdv/cyc-full-0p1C.mpt', 'Galvanostatic Cycling with Potential Limitation', CELL_AREA, ['time/s', 'Ewe/V', 'I/mA', 'cycle number'], rows);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  conductivity(); arrhenius(); gitt(); symmetric(); dc(); dqdv();
}
