// Result lines of the toolkit protocols (conductivity, Arrhenius, GITT, symmetric cycling, DC
// polarisation, dQ/dV), in the field's units: part of summaries.ts, kept apart to keep both short.
import { formatEstimate, formatNumber, formatQuantity } from '../domain/format';
import type { ConductivitySpectrum, RunResult } from './runResult';
import type { ResultLine } from './summaries';

export function toolkitLines(r: RunResult): ResultLine[] {
  return [...conductivityLines(r), ...arrheniusLines(r), ...gittLines(r), ...symmetricLines(r), ...dcLines(r), ...dqdvLines(r)];
}

const at = (s: ConductivitySpectrum) => (s.temperature !== undefined ? ` at ${formatQuantity(s.temperature, '°C')}` : '');

function conductivityLines(r: RunResult): ResultLine[] {
  const c = r.conductivity;
  if (!c) return [];
  const done = c.spectra.filter((s) => s.conductivity);
  const how = c.method === 'fit' ? 'R_b of the fitted circuit' : 'R_b at the foot of the blocking spike';
  const geometry = c.thickness !== undefined && c.area !== undefined ? `; L ${formatQuantity(c.thickness, 'µm')}, A ${formatQuantity(c.area, 'cm²')}` : '';
  const derivation = [c.methodNote, done[0] ? (c.method === 'fit' && done[0].fit?.ok ? done[0].fit.derivation : done[0].intercept.derivation) : c.spectra[0]?.intercept.derivation, 'σ = L/(R_b A)'].filter(Boolean).join(' ');
  if (!done.length) {
    const why = c.spectra.map((s) => (s.intercept.ok ? undefined : s.intercept.error)).find(Boolean) ?? 'no R_b';
    return [{ label: 'σ', text: `not computed: ${why}`, derivation }];
  }
  if (done.length === 1) {
    const s = done[0];
    return [{ label: 'σ', text: `${formatEstimate(s.conductivity)}${at(s)} (R_b ${formatEstimate(s.rB)}, ${how}${geometry})`, derivation }];
  }
  const list = done.slice(0, 8).map((s) => `${formatEstimate(s.conductivity, 3)}${at(s)}`).join(', ');
  return [{ label: 'σ', text: `${list}${done.length > 8 ? ', …' : ''} (${done.length} spectra, ${how}${geometry})`, derivation }];
}

function arrheniusLines(r: RunResult): ResultLine[] {
  const a = r.arrhenius;
  if (!a) return [];
  if (!a.ok) return [{ label: 'E_a', text: `not computed: ${a.error}`, derivation: a.derivation }];
  const form = a.form === 'sigma-T' ? 'ln(σT)' : 'ln σ', other = a.form === 'sigma-T' ? 'ln σ' : 'ln(σT)';
  return [{
    label: 'E_a',
    text: `${formatEstimate(a.activationEnergy)} (${form} against 1/T, R² ${formatNumber(a.r2, 4)}, ${a.n} spectra); σ(25 °C) ${formatEstimate(a.conductivity25)}${a.interpolated ? '' : ' (extrapolated)'}; ln A ${formatEstimate(a.lnPrefactor, 4)}; fitting ${other}: ${formatEstimate(a.other.activationEnergy)}`,
    derivation: a.derivation,
  }];
}

function gittLines(r: RunResult): ResultLine[] {
  const g = r.gitt;
  if (!g) return [];
  if (!g.ok) return [{ label: 'GITT', text: `not computed: ${g.error}`, derivation: g.derivation }];
  const good = g.pulses.filter((p) => p.linear);
  const value = (p: (typeof good)[number]) => p.diffusivity ?? p.dOverL2!;
  const label = g.pulses.some((p) => p.diffusivity) ? 'D' : 'D/L²';
  const sorted = [...good].sort((x, y) => value(x).value - value(y).value);
  const range = sorted.length ? `${formatEstimate({ value: value(sorted[0]).value, unit: value(sorted[0]).unit }, 3)} … ${formatEstimate({ value: value(sorted[sorted.length - 1]).value, unit: value(sorted[0]).unit }, 3)}` : 'none valid';
  return [{ label, text: `${range} over ${good.length} pulses linear in √t (of ${g.evaluated} evaluated, ${g.pulses.length} pulses)`, derivation: g.derivation }];
}

function symmetricLines(r: RunResult): ResultLine[] {
  const s = r.symmetric;
  if (!s) return [];
  if (!s.ok) return [{ label: 'ASR', text: `not computed: ${s.error}`, derivation: s.derivation }];
  const n = s.halfCycles.filter((h) => !h.shorted).length;
  const short = s.short
    ? `short at ${formatQuantity(s.short.time.value, 'h')} (cycle ${s.short.cycle}, ${formatEstimate(s.short.cumulativeCapacity)} cycled)`
    : `no short in ${formatQuantity(s.duration.value, 'h')} (${formatEstimate(s.cumulativeCapacity)} cycled)`;
  return [{ label: 'ASR', text: `${formatEstimate(s.firstAsr)} → ${formatEstimate(s.lastAsr)} over ${n} half-cycles; ${short}`, derivation: s.derivation }];
}

function dcLines(r: RunResult): ResultLine[] {
  const d = r.dcPolarisation;
  if (!d) return [];
  if (!d.ok) return [{ label: 'σ_e', text: `not computed: ${d.error}`, derivation: d.derivation }];
  const sig = d.conductivity;
  const s = `${formatNumber(sig.value * 0.01, 4)}${sig.stderr ? ` ± ${formatNumber(sig.stderr * 0.01, 2)}` : ''} S/cm`;
  return [{ label: 'σ_e', text: `${s} (I_ss ${formatQuantity(Math.abs(d.steadyCurrent.value), 'nA')} at ${formatQuantity(Math.abs(d.voltage.value), 'V')})`, derivation: d.derivation }];
}

function dqdvLines(r: RunResult): ResultLine[] {
  const q = r.incrementalCapacity;
  if (!q) return [];
  if (!q.ok) return [{ label: 'dQ/dV', text: `not computed: ${q.error}`, derivation: q.derivation }];
  const volts = (list: number[]) => (list.length ? list.map((v) => formatNumber(v, 4)).join(', ') + ' V' : 'none');
  const first = q.cycles[0], last = q.cycles[q.cycles.length - 1];
  const part = (c: typeof first) => `cycle ${c.cycle}: charge ${volts(c.charge)}, discharge ${volts(c.discharge)}`;
  return [{ label: 'dQ/dV', text: q.cycles.length > 1 ? `${part(first)} → ${part(last)}` : part(first), derivation: q.derivation }];
}
