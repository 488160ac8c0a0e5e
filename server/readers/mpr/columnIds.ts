// The data module's column ids: each id's name as EC-Lab writes it in the .mpt text export, and its
// binary type. The facts come from the peer readers (galvani's VMPdata_colID_dtype_map and flag
// map, yadg's eclab mpr columns, cellpy) and the fixtures; ids in 170-255 that those readers list
// only as the low byte of an id above 255 (their misreading of the 11.50+ layout) are left out.

export type BinaryType = 'f32' | 'f64' | 'u8' | 'u16' | 'u32' | 'i32';

export const TYPE_BYTES: Record<BinaryType, number> = { f32: 4, f64: 8, u8: 1, u16: 2, u32: 4, i32: 4 };

export interface ColumnId {
  name: string;
  type: BinaryType;
}

const c = (name: string, type: BinaryType = 'f32'): ColumnId => ({ name, type });

export const COLUMN_IDS: Record<number, ColumnId> = {
  4: c('time/s', 'f64'),
  5: c('control/V/mA'),
  6: c('Ewe/V'),
  7: c('dq/mA.h', 'f64'),
  8: c('I/mA'),
  9: c('Ece/V'),
  11: c('<I>/mA', 'f64'),
  13: c('(Q-Qo)/mA.h', 'f64'),
  16: c('Analog IN 1/V'),
  17: c('Analog IN 2/V'),
  19: c('control/V'),
  20: c('control/mA'),
  23: c('dQ/mA.h', 'f64'),
  24: c('cycle number', 'f64'),
  26: c('Rapp/Ohm'),
  27: c('Ewe-Ece/V'),
  32: c('freq/Hz'),
  33: c('|Ewe|/V'),
  34: c('|I|/A'),
  35: c('Phase(Z)/deg'),
  36: c('|Z|/Ohm'),
  37: c('Re(Z)/Ohm'),
  38: c('-Im(Z)/Ohm'),
  39: c('I Range', 'u16'),
  69: c('R/Ohm'),
  70: c('P/W'),
  74: c('|Energy|/W.h', 'f64'),
  75: c('Analog OUT/V'),
  76: c('<I>/mA'),
  77: c('<Ewe>/V'),
  78: c('Cs-2/µF-2'),
  96: c('|Ece|/V'),
  98: c('Phase(Zce)/deg'),
  99: c('|Zce|/Ohm'),
  100: c('Re(Zce)/Ohm'),
  101: c('-Im(Zce)/Ohm'),
  123: c('Energy charge/W.h', 'f64'),
  124: c('Energy discharge/W.h', 'f64'),
  125: c('Capacitance charge/µF', 'f64'),
  126: c('Capacitance discharge/µF', 'f64'),
  131: c('Ns', 'u16'),
  163: c('|Estack|/V'),
  168: c('Rcmp/Ohm'),
  169: c('Cs/µF'),
  172: c('Cp/µF'),
  173: c('Cp-2/µF-2'),
  174: c('<Ewe>/V'),
  271: c('Phase(Z1)/deg'),
  272: c('Phase(Z2)/deg'),
  301: c('|Z1|/Ohm'),
  302: c('|Z2|/Ohm'),
  331: c('Re(Z1)/Ohm'),
  332: c('Re(Z2)/Ohm'),
  361: c('-Im(Z1)/Ohm'),
  362: c('-Im(Z2)/Ohm'),
  391: c('<E1>/V'),
  392: c('<E2>/V'),
  422: c('Phase(Zstack)/deg'),
  423: c('|Zstack|/Ohm'),
  424: c('Re(Zstack)/Ohm'),
  425: c('-Im(Zstack)/Ohm'),
  426: c('<Estack>/V'),
  430: c('Phase(Zwe-ce)/deg'),
  431: c('|Zwe-ce|/Ohm'),
  432: c('Re(Zwe-ce)/Ohm'),
  433: c('-Im(Zwe-ce)/Ohm'),
  434: c('(Q-Qo)/C'),
  435: c('dQ/C'),
  438: c('step time/s', 'f64'),
  441: c('<Ecv>/V'),
  462: c('Temperature/°C'),
  467: c('Q charge/discharge/mA.h', 'f64'),
  468: c('half cycle', 'u32'),
  469: c('z cycle', 'u32'),
  471: c('<Ece>/V'),
  473: c('THD Ewe/%'),
  474: c('THD I/%'),
  475: c('THD Ece/%'),
  476: c('NSD Ewe/%'),
  477: c('NSD I/%'),
  478: c('NSD Ece/%'),
  479: c('NSR Ewe/%'),
  480: c('NSR I/%'),
  481: c('NSR Ece/%'),
  486: c('|Ewe h2|/V'),
  487: c('|Ewe h3|/V'),
  488: c('|Ewe h4|/V'),
  489: c('|Ewe h5|/V'),
  490: c('|Ewe h6|/V'),
  491: c('|Ewe h7|/V'),
  492: c('|I h2|/A'),
  493: c('|I h3|/A'),
  494: c('|I h4|/A'),
  495: c('|I h5|/A'),
  496: c('|I h6|/A'),
  497: c('|I h7|/A'),
  503: c('|Ece h7|/V'),
  504: c('Rac/Ohm'),
  505: c('Rdc/Ohm'),
  509: c('Acir/Dcir Control', 'u8'),
};

/**
 * Ids the peers disagree on: galvani reads 498-502 as the battery columns of newer EC-Lab
 * versions (float64), yadg reads 498-502 as the counter-electrode harmonics (float32). The widths
 * differ, so the module's record size decides (readers/mpr/data.ts tries each reading in turn).
 */
export const AMBIGUOUS_IDS: Record<number, ColumnId[]> = {
  498: [c('Q charge/mA.h', 'f64'), c('|Ece h2|/V')],
  499: [c('Q discharge/mA.h', 'f64'), c('|Ece h3|/V')],
  500: [c('step time/s', 'f64'), c('|Ece h4|/V')],
  501: [c('Efficiency/%', 'f64'), c('|Ece h5|/V')],
  502: [c('Capacity/mA.h', 'f64'), c('|Ece h6|/V')],
};

export interface FlagId {
  name: string;
  mask: number;
}

/** Ids packed as bits of one byte, at the place of the first of them in the record. */
export const FLAG_IDS: Record<number, FlagId> = {
  1: { name: 'mode', mask: 0x03 },
  2: { name: 'ox/red', mask: 0x04 },
  3: { name: 'error', mask: 0x08 },
  21: { name: 'control changes', mask: 0x10 },
  31: { name: 'Ns changes', mask: 0x20 },
  65: { name: 'counter inc.', mask: 0x80 },
};
