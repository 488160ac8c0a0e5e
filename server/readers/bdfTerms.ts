// The Battery Data Format's column terms (the Battery Data Alliance's ontology,
// https://w3id.org/battery-data-alliance/ontology/battery-data-format): each term's notation (the
// column name), the unit the term names and the kind of ours it measures. `cellspec convert`
// writes these names; the readers read them back, so a converted file serves any run.
import { ColumnKind } from './types';

export const BDF_IRI = 'https://w3id.org/battery-data-alliance/ontology/battery-data-format#';

export interface BdfTerm {
  /** The term's notation: the column name, exactly as the ontology writes it. */
  notation: string;
  /** Our kind for the quantity ('other' for quantities our readers keep as written). */
  kind: ColumnKind;
  /** The term's unit in our unit vocabulary (domain/units.ts), '' for counts and labels. */
  unit: string;
  /** The unit as the ontology writes it, for documents ("degC", "ohm", "1"). */
  shown: string;
  /** Counts and indices: written as integers. */
  integer?: boolean;
  /** Labels (step_type): written as text. */
  text?: boolean;
  /** Among terms read as one kind, the higher wins (step_count over step_id). */
  readPriority: number;
  /** Other spellings the ontology lists (altLabel), accepted when reading. */
  altLabels?: string[];
}

const t = (notation: string, kind: ColumnKind, unit: string, shown: string, extra: Partial<BdfTerm> = {}): BdfTerm =>
  ({ notation, kind, unit, shown, readPriority: 4, ...extra });

export const BDF_TERMS: readonly BdfTerm[] = [
  t('test_time_second', 'time', 's', 's', { altLabels: ['test_time_s'] }),
  t('unix_time_second', 'dateTime', 's', 's', { altLabels: ['unix_time_s'] }),
  t('step_time_second', 'stepTime', 's', 's'),
  t('voltage_volt', 'voltage', 'V', 'V', { altLabels: ['voltage_v'] }),
  t('current_ampere', 'current', 'A', 'A', { altLabels: ['current_a'] }),
  t('power_watt', 'power', 'W', 'W', { altLabels: ['power_w'] }),
  t('cycle_count', 'cycle', '', '1', { integer: true, altLabels: ['cycle_count_1', 'cycle_dimensionless'] }),
  t('step_count', 'step', '', '1', { integer: true, altLabels: ['step_count_1', 'step_dimensionless'] }),
  t('step_id', 'step', '', '1', { integer: true, readPriority: 3.9 }),
  t('record_index', 'index', '', '1', { integer: true }),
  t('step_type', 'stepType', '', '', { text: true }),
  t('charging_capacity_ah', 'chargeCapacity', 'Ah', 'Ah', { altLabels: ['charging_capacity_ampere_hour'] }),
  t('discharging_capacity_ah', 'dischargeCapacity', 'Ah', 'Ah', { altLabels: ['discharging_capacity_ampere_hour'] }),
  t('net_capacity_ah', 'charge', 'Ah', 'Ah', { altLabels: ['net_capacity_ampere_hour'] }),
  t('charging_energy_wh', 'chargeEnergy', 'Wh', 'Wh', { altLabels: ['charging_energy_watt_hour'] }),
  t('discharging_energy_wh', 'dischargeEnergy', 'Wh', 'Wh', { altLabels: ['discharging_energy_watt_hour'] }),
  t('surface_temperature_celsius', 'temperature', '°C', 'degC', { altLabels: ['surface_temperature_degc'] }),
  ...[1, 2, 3, 4, 5].map((k) => t(`temperature_t${k}_celsius`, 'temperature', '°C', 'degC', { readPriority: 4 - k / 10, altLabels: [`temperature_t${k}_degc`] })),
  t('ambient_temperature_celsius', 'temperature', '°C', 'degC', { readPriority: 3.4, altLabels: ['ambient_temperature_degc'] }),
  t('frequency_hertz', 'frequency', 'Hz', 'Hz'),
  t('real_impedance_ohm', 'zReal', 'Ω', 'ohm'),
  t('imaginary_impedance_ohm', 'zImag', 'Ω', 'ohm'),
  t('absolute_impedance_ohm', 'other', 'Ω', 'ohm'),
  t('phase_degree', 'other', '°', 'deg'),
  t('internal_resistance_ohm', 'other', 'Ω', 'ohm'),
];

const BY_NAME = new Map<string, BdfTerm>();
for (const term of BDF_TERMS) for (const name of [term.notation, ...(term.altLabels ?? [])]) BY_NAME.set(name, term);

/** The term a column name is, by its notation or an altLabel (case as the ontology: lower). */
export function bdfTermNamed(name: string): BdfTerm | undefined {
  return BY_NAME.get(name.trim().toLowerCase());
}

export function bdfTerm(notation: string): BdfTerm {
  const term = BY_NAME.get(notation);
  if (!term) throw new Error(`no Battery Data Format term ${notation}`);
  return term;
}
