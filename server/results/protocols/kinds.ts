// The column kinds each protocol's handler reads, so the readers parse only those. Files are read
// before it is known whether they hold DC data or spectra (execute.ts sorts them by their
// columns), so every protocol reads both the DC trace and the impedance columns: a spectrum given
// to a DC run is still recognised and named, and the other way round.
import type { ColumnKind } from '../../readers/types';

/** What need() takes from a DC file (common.ts). */
const DC: ColumnKind[] = ['time', 'voltage', 'current'];
/** What tells a spectrum (frequency, zReal) and what analyseSpectrum reads (eis.ts). */
const SPECTRUM: ColumnKind[] = ['frequency', 'zReal', 'zImag'];

/** The instrument's capacity counter: (Q-Qo) places spectra on the stripped capacity (contact.ts). */
const COUNTER: ColumnKind[] = ['charge'];
/** Cycling: the instrument's cycles and half cycles, and its per-cycle capacity counters (cycling.ts). */
const CYCLES: ColumnKind[] = ['cycle', 'halfCycle', 'charge', 'chargeCapacity', 'dischargeCapacity'];
/** Conductivity and Arrhenius: each spectrum's temperature, when its file records one (conductivity.ts). */
const TEMPERATURE: ColumnKind[] = ['temperature'];

export const PROTOCOL_KINDS: Record<string, readonly ColumnKind[]> = {
  ccd: [...DC, ...SPECTRUM],
  strip: [...DC, ...COUNTER, ...SPECTRUM],
  sand: [...DC, ...COUNTER, ...SPECTRUM],
  cycling: [...DC, ...CYCLES, ...SPECTRUM],
  rate: [...DC, ...CYCLES, ...SPECTRUM],
  eis: [...DC, ...COUNTER, ...SPECTRUM],
  conductivity: [...DC, ...SPECTRUM, ...TEMPERATURE],
  arrhenius: [...DC, ...SPECTRUM, ...TEMPERATURE],
  gitt: [...DC, ...SPECTRUM],
  'symmetric-cycling': [...DC, ...SPECTRUM],
  'dc-polarisation': [...DC, ...SPECTRUM],
};

/** The kinds to read for a protocol type; undefined (every column) for a type without an entry. */
export function kindsToRead(type: string): readonly ColumnKind[] | undefined {
  return Object.prototype.hasOwnProperty.call(PROTOCOL_KINDS, type) ? PROTOCOL_KINDS[type] : undefined;
}
