// Neware .nda files: "NEWARE" magic, the file version in byte 14, a header of pointers to the
// test info and the data blocks, then fixed-length binary records. Two families are in
// circulation (layouts from NewareNDA and fastnda, checked against the fixtures):
//   BTS 7/8 (versions 14-29): 86-byte records, integers scaled by the current range; data records
//     start with 0x55, auxiliary ones (T, V per aux channel) with 0x65, step markers with 0xAA.
//     Versions 26-29 stamp each record with the tester's local wall clock (Y-M-D h:m:s, no zone);
//     versions 14-24 with Unix time.
//   BTS 9 (version 130): float records; BTS 9.0 files prefix each record with a 4-byte device tag
//     (records of ~88 bytes, aux records apart), BTS 9.1 files start each record with 0x55 and
//     carry the test time, signed capacity/energy, Unix time in s + ns and T1 in the record.
import { checkAborted, readAllBytes } from '../text';
import { DataError, DataProblem, DataTable, ReadOptions } from '../types';
import { ascii, cString, findBytes, findLastBytes, i64, isoUtc, u64, viewOf, wallClockSeconds } from './binary';
import { AuxSeries, Records, TimeFields, buildTable, celsiusToKelvin, identity, warn } from './records';
import { RangeScale, isKnownRange } from './scale';

const NOUN = 'the .nda';
const BTS8_RECORD = 86;
const DATA = 0x55;
const AUX = 0x65;
const STEP_MARK = 0xaa;

export async function readNda(file: string, options: ReadOptions = {}): Promise<DataTable> {
  const bytes = await readAllBytes(file, options);
  checkAborted(options.signal);
  return parseNda(bytes, file, options);
}

/** Read the bytes of an .nda file (tests and fuzzing call this directly). */
export function parseNda(bytes: Uint8Array, file: string, options: ReadOptions = {}): DataTable {
  checkAborted(options.signal);
  if (bytes.length < 6 || ascii(bytes, 0, 6) !== 'NEWARE') {
    throw new DataError(file, 0, 'not a Neware .nda file: it does not start with "NEWARE"');
  }
  const version = bytes.length > 14 ? bytes[14] : -1;
  // The header fields read below lie in the first 160 bytes (BTS 7/8) or 100 bytes (BTS 9).
  const headerBytes = version === 130 ? 100 : 160;
  if (bytes.length < headerBytes) throw new DataError(file, 0, `the .nda ends inside its header (${bytes.length} bytes)`);
  const meta: Record<string, string> = { 'nda version': String(version) };
  const problems: DataProblem[] = [];
  if (version === 130) return readBts9(bytes, file, meta, problems);
  if (version >= 26 && version <= 29) return readBts8(bytes, file, version, 'wallClock', meta, problems);
  if (version >= 14 && version <= 24 && version !== 15 && version !== 18 && version !== 19 && version !== 21) {
    warn(problems, `nda version ${version}: its layout (that of NewareNDA and fastnda for BTS 7) has not been checked against a file of this version here`);
    return readBts8(bytes, file, version, 'unix', meta, problems);
  }
  throw new DataError(file, 0, `nda version ${version} is not supported (read: 14, 16, 17, 20, 22-24, 26-29 and 130); BTSDA can export the test as .xlsx or .csv`);
}

// ---------------------------------------------------------------------------------------------
// BTS 7/8

/** Where the test info record of each version family sits (offsets inside the record). */
function bts8TestInfo(b: Uint8Array, dv: DataView, version: number, meta: Record<string, string>): void {
  const size = version >= 29 ? 503 : version >= 17 ? 383 : version >= 16 ? 343 : 327;
  const begin = dv.getUint32(24, true), len = dv.getUint32(28, true);
  const count = Math.floor(len / size);
  if (!begin || count < 1 || begin + len > b.length) return;
  const at = begin + (count - 1) * size; // the last record describes the test as it ran
  const put = (key: string, off: number, width: number) => {
    const v = cString(b, at + off, width);
    if (v) meta[key] = v;
  };
  put('Start time', 37, 20);
  put('Creator', 77, 60);
  put('Remarks', 227, 100);
  if (version >= 17) put('Barcode', 343, 40);
  if (version >= 29) { put('Test name', 383, 60); put('Step file', 443, 60); }
  if (meta['Start time']) meta['Start time'] += ' (the tester\'s local time)';
}

function bts8Meta(b: Uint8Array, dv: DataView, version: number, meta: Record<string, string>): void {
  const at = findBytes(b, [0x42, 0x54, 0x53, 0x53, 0x65, 0x72, 0x76, 0x65, 0x72], 0, 65536); // "BTSServer"
  if (at >= 0) {
    meta['Software'] = cString(b, at, 50);
    const client = cString(b, at + 100, 50);
    if (client) meta['Client'] = client;
  }
  bts8TestInfo(b, dv, version, meta);
  const mass = dv.getUint32(152, true); // µg, versions 9 and later
  if (mass > 0 && mass < 1e9) meta['Active mass'] = `${mass / 1000} mg`;
}

/** A data block from the header's {begin, length} pointer, clipped to the file and to whole records. */
function block(b: Uint8Array, begin: number, length: number, recordLen: number, what: string, problems: DataProblem[]): [number, number] | undefined {
  if (!(begin > 0 && begin < b.length && length > 0)) return undefined;
  let end = begin + length;
  if (end > b.length) {
    warn(problems, `${NOUN} ends inside its ${what} (${b.length - begin} of ${length} bytes from byte ${begin}): the records before the cut are read`);
    end = b.length;
  }
  return [begin, begin + Math.floor((end - begin) / recordLen) * recordLen];
}

/** The first BTS 8 data record when the header's pointer is unusable (older writers, damage). */
function findFirstBts8Record(b: Uint8Array, dv: DataView): number {
  for (let at = 0; at + BTS8_RECORD <= b.length; at++) {
    if (b[at] !== DATA || b[at + 1] !== 0) continue;
    const next = at + BTS8_RECORD;
    if (dv.getUint32(at + 2, true) === 0 || b[at + 12] === 0) continue;
    if (next >= b.length || b[next] === DATA || b[next] === AUX || b[next] === STEP_MARK) return at;
  }
  return -1;
}

type Bts8Time = 'wallClock' | 'unix';

/** Versions 14-24 exist with the range at byte 78 (fastnda) and with ms there and the range at 80 (a NewareNDA fork): the records decide. */
function unixRangeOffset(b: Uint8Array, dv: DataView, from: number, to: number): number {
  let at78 = 0, at80 = 0;
  for (let at = from, seen = 0; at + BTS8_RECORD <= to && seen < 64; at += BTS8_RECORD) {
    if (b[at] !== DATA) continue;
    seen++;
    if (isKnownRange(dv.getInt32(at + 78, true))) at78++;
    if (isKnownRange(dv.getInt32(at + 80, true))) at80++;
  }
  return at80 > at78 ? 80 : 78;
}

function readBts8(b: Uint8Array, file: string, version: number, time: Bts8Time, meta: Record<string, string>, problems: DataProblem[]): DataTable {
  const dv = viewOf(b);
  bts8Meta(b, dv, version, meta);
  const mainBegin = dv.getUint32(64, true);
  let main = block(b, mainBegin, dv.getUint32(68, true), BTS8_RECORD, 'data block', problems);
  if (!main && mainBegin >= b.length && mainBegin < 1 << 30) {
    throw new DataError(file, 0, `${NOUN} ends (at byte ${b.length}) before its data block, which starts at byte ${mainBegin}: the file is cut short`);
  }
  if (!main) {
    const first = findFirstBts8Record(b, dv);
    if (first < 0) throw new DataError(file, 0, `${NOUN} holds no data records (no data block in the header and no record found)`);
    main = [first, first + Math.floor((b.length - first) / BTS8_RECORD) * BTS8_RECORD];
  }
  const auxBlock = block(b, dv.getUint32(72, true), dv.getUint32(76, true), BTS8_RECORD, 'auxiliary block', problems);
  const headerBlock = dv.getUint32(16, true);
  const headerRange = headerBlock > 0 && headerBlock + 30 <= b.length ? dv.getInt32(headerBlock + 26, true) : undefined;
  const scale = new RangeScale(headerRange);
  const rangeAt = time === 'unix' ? unixRangeOffset(b, dv, main[0], main[1]) : 78;

  const records = new Records((main[1] - main[0]) / BTS8_RECORD);
  const aux = new Bts8Aux();
  const odd = { count: 0, first: -1 };
  scanBts8(b, dv, main[0], main[1], records, aux, time, rangeAt, scale, odd);
  if (auxBlock) scanBts8(b, dv, auxBlock[0], auxBlock[1], undefined, aux, time, rangeAt, scale, odd);
  if (odd.count) warn(problems, `${NOUN}: ${odd.count} record(s) of an unknown type (first at byte ${odd.first}) were skipped`);
  const scaleProblem = scale.problem(NOUN);
  if (scaleProblem) warn(problems, scaleProblem);

  meta['Time zone'] = time === 'wallClock'
    ? 'not recorded: the records carry the tester\'s local clock, read here as if it were UTC'
    : 'UTC (the records carry Unix time)';
  const stored: TimeFields = { stepTime: true, testTime: false };
  return buildTable({ file, format: 'neware-nda', noun: NOUN, records, aux: aux.series(), stored, meta, problems });
}

/** Aux channels of BTS 7/8 records: each 0x65 record carries a voltage and a temperature. */
class Bts8Aux {
  private byChannel = new Map<number, { t: AuxSeries; v: AuxSeries }>();
  get(channel: number): { t: AuxSeries; v: AuxSeries } {
    let s = this.byChannel.get(channel);
    if (!s) {
      s = {
        t: new AuxSeries(`T${channel}`, 'temperature', '°C', celsiusToKelvin, true),
        v: new AuxSeries(`V${channel}`, 'auxVoltage', 'V', identity, true),
      };
      this.byChannel.set(channel, s);
    }
    return s;
  }
  series(): AuxSeries[] {
    const out: AuxSeries[] = [];
    for (const ch of [...this.byChannel.keys()].sort((a, c) => a - c)) out.push(this.byChannel.get(ch)!.t);
    for (const ch of [...this.byChannel.keys()].sort((a, c) => a - c)) out.push(this.byChannel.get(ch)!.v);
    return out;
  }
}

function scanBts8(
  b: Uint8Array, dv: DataView, from: number, to: number, r: Records | undefined, aux: Bts8Aux,
  time: Bts8Time, rangeAt: number, scale: RangeScale, odd: { count: number; first: number },
): void {
  // Locals, not property loads, in the loop: this is where the time of a large file goes.
  const wallClock = time === 'wallClock', msAt78 = rangeAt === 80;
  const index = r?.index, stepIndex = r?.stepIndex, stepType = r?.stepType, stepMark = r?.stepMark, stepTime = r?.stepTime;
  const voltage = r?.voltage, current = r?.current, qc = r?.chargeCapacity, qd = r?.dischargeCapacity;
  const ec = r?.chargeEnergy, ed = r?.dischargeEnergy, dateTime = r?.dateTime;
  let k = r ? r.n : 0;
  for (let at = from; at + BTS8_RECORD <= to; at += BTS8_RECORD) {
    const id = b[at];
    if (id === DATA && index) {
      const ix = dv.getUint32(at + 2, true);
      const type = b[at + 12];
      if (ix === 0 || type === 0) continue; // empty slots and records Neware leaves unfinished
      const f = scale.factor(dv.getInt32(at + rangeAt, true)) * 1e-3; // integer -> A, and mA·s -> A·s
      index[k] = ix;
      stepIndex![k] = dv.getUint16(at + 10, true);
      stepType![k] = type;
      stepMark![k] = b[at + 13];
      stepTime![k] = u64(dv, at + 14) / 1000;
      voltage![k] = dv.getInt32(at + 22, true) * 1e-4;
      current![k] = dv.getInt32(at + 26, true) * f;
      qc![k] = i64(dv, at + 38) * f;
      qd![k] = i64(dv, at + 46) * f;
      ec![k] = i64(dv, at + 54) * f;
      ed![k] = i64(dv, at + 62) * f;
      dateTime![k] = wallClock
        ? wallClockSeconds(dv.getUint16(at + 70, true), b[at + 72], b[at + 73], b[at + 74], b[at + 75], b[at + 76])
        : dv.getUint32(at + 70, true) + (msAt78 ? dv.getUint16(at + 78, true) / 1000 : 0);
      k++;
    } else if (id === AUX) {
      const ix = dv.getUint32(at + 2, true);
      if (ix === 0) continue;
      const s = aux.get(b[at + 1]);
      s.v.push(ix, dv.getInt32(at + 22, true) * 1e-4);
      s.t.push(ix, dv.getInt16(at + 34, true) / 10);
    } else if (id !== STEP_MARK && id !== 0 && id !== DATA) {
      if (odd.count++ === 0) odd.first = at;
    }
  }
  if (r) r.n = k;
}

// ---------------------------------------------------------------------------------------------
// BTS 9

/** A data block: where it starts, where its readable part ends, and the length the header declares. */
type Block = [begin: number, end: number, declared: number];

/**
 * The data blocks: one {begin, length} pointer (u64) at byte 82, or, when it is empty and another
 * NEWARE header follows at 1024, a chain of headers each with its own block.
 */
function bts9Blocks(b: Uint8Array, dv: DataView, problems: DataProblem[]): Block[] {
  const begin = u64(dv, 82), length = u64(dv, 90);
  const out: Block[] = [];
  const add = (at: number, len: number) => {
    if (!(at > 0 && at < b.length && len > 0)) return;
    let end = at + len;
    if (end > b.length) {
      warn(problems, `${NOUN} ends inside its data block (${b.length - at} of ${len} bytes from byte ${at}): the records before the cut are read`);
      end = b.length;
    }
    out.push([at, end, len]);
  };
  if (begin !== 0 || ascii(b, 1024, 6) !== 'NEWARE') {
    add(begin, length);
    return out;
  }
  const seen = new Set<number>();
  let head = 1024;
  while (!seen.has(head) && head + 258 <= b.length && ascii(b, head, 6) === 'NEWARE' && seen.size < 1e5) {
    seen.add(head);
    add(u64(dv, head + 82), u64(dv, head + 90));
    head = u64(dv, head + 242) + u64(dv, head + 250); // a header's last pointer ends at the next header
  }
  return out;
}

/**
 * Record length of a block (BTS 9 does not store it): the distance to the next record that starts
 * like the first, if it divides the block's declared length and the records after it also start
 * like a data record (or, in BTS 9.0, an aux record).
 */
function recordLength(b: Uint8Array, begin: number, end: number, declared: number, tagLength: number, min: number): number {
  const startsLikeRecord = (at: number) => {
    let k = 0;
    while (k < tagLength && b[at + k] === b[begin + k]) k++;
    return k === tagLength || (tagLength === 5 && (b[at + 4] === AUX || b[at + 1] === AUX));
  };
  const limit = Math.min(end, begin + 4096);
  for (let next = begin + min; next + tagLength <= limit; next++) {
    let k = 0;
    while (k < tagLength && b[next + k] === b[begin + k]) k++;
    if (k < tagLength) continue;
    const len = next - begin;
    if (declared % len !== 0) continue;
    let ok = true;
    for (let r = 2; r <= 16 && begin + r * len + tagLength <= end && ok; r++) ok = startsLikeRecord(begin + r * len);
    if (ok) return len;
  }
  return declared >= min && declared <= 4096 ? declared : -1; // a block of one record
}

function bts9Meta(b: Uint8Array, dv: DataView, meta: Record<string, string>, dataEnd: number): void {
  // "9.1.5.7.20240403.R5": the BTS version that wrote the file, in the first header.
  const head = ascii(b, 0, Math.min(1024, b.length));
  const v = /\d+(?:\.[\dA-Za-z]+){4,}/.exec(head);
  if (v) meta['Software'] = `BTS ${v[0]}`;
  const begin = u64(dv, 34), len = u64(dv, 42);
  if (begin > 0 && len >= 16 && begin + len <= b.length) {
    const creator = cString(b, begin + 8, 32);
    if (creator) meta['Creator'] = creator;
    if (len > 264 + 64) {
      const remarks = cString(b, begin + 264, 64);
      if (remarks) meta['Remarks'] = remarks;
    }
    // The test's start and stop times: the one plausible pair of µs timestamps in the record.
    const lo = Date.UTC(2005, 0, 1) * 1000, hi = Date.UTC(2040, 0, 1) * 1000;
    for (let at = begin; at + 16 <= begin + len; at++) {
      const start = u64(dv, at), stop = u64(dv, at + 8);
      if (start > lo && start < hi && stop >= start && stop - start < 5 * 365 * 86400e6) {
        meta['Start time'] = isoUtc(start / 1e6);
        break;
      }
    }
  }
  const footer = findLastBytes(b, [0x06, 0x00, 0xf0, 0x1d, 0x81, 0x00, 0x03, 0x00, 0x61, 0x90, 0x71, 0x90, 0x02, 0x7f, 0xff, 0x00], dataEnd);
  if (footer >= 0 && footer + 16 + 499 <= b.length) {
    const mass = dv.getFloat64(footer + 16 + 491, true); // mg
    if (mass > 0 && mass < 1e9) meta['Active mass'] = `${mass} mg`;
  }
}

function readBts9(b: Uint8Array, file: string, meta: Record<string, string>, problems: DataProblem[]): DataTable {
  const dv = viewOf(b);
  meta['Time zone'] = 'UTC (the records carry Unix time)';
  const blocks = bts9Blocks(b, dv, problems);
  const first = u64(dv, 82);
  if (!blocks.length && first >= b.length && first < 2 ** 40) {
    throw new DataError(file, 0, `${NOUN} ends (at byte ${b.length}) before its data block, which starts at byte ${first}: the file is cut short`);
  }
  // The footer with the active mass follows the data.
  bts9Meta(b, dv, meta, blocks.reduce((end, [, e]) => Math.max(end, e), 1024));
  if (!blocks.length) throw new DataError(file, 0, `${NOUN} holds no data records (its header points to no data block)`);
  const [begin, end] = blocks[0];
  if (end - begin >= 8 && b[begin + 4] === DATA) return readBts90(b, dv, file, blocks, meta, problems);
  if (b[begin] === DATA) return readBts91(b, dv, file, blocks, meta, problems);
  throw new DataError(file, 0, `the data block at byte ${begin} of ${NOUN} is neither a BTS 9.0 nor a BTS 9.1 block (it starts with 0x${b[begin].toString(16)})`);
}

function readBts91(b: Uint8Array, dv: DataView, file: string, blocks: Block[], meta: Record<string, string>, problems: DataProblem[]): DataTable {
  meta['Layout'] = 'BTS 9.1';
  const [begin, end, declared] = blocks[0];
  const len = recordLength(b, begin, end, declared, 2, 48);
  if (len < 48) throw new DataError(file, 0, `${NOUN}: the BTS 9.1 data block at byte ${begin} is too short for one record`);
  let capacity = 0;
  for (const [s, e] of blocks) capacity += Math.floor((e - s) / len);
  const r = new Records(capacity);
  const t1 = len >= 56 ? new AuxSeries('T1', 'temperature', '°C', celsiusToKelvin, false, capacity) : undefined;
  const odd = { count: 0, first: -1 };
  for (const [s, e] of blocks) scanBts91(b, dv, s, e, len, b[begin + 1], r, t1, odd);
  if (t1) t1.n = r.n;
  if (odd.count) warn(problems, `${NOUN}: ${odd.count} record(s) that do not start like a BTS 9.1 data record (first at byte ${odd.first}) were skipped`);
  return buildTable({
    file, format: 'neware-nda', noun: NOUN, records: r, aux: t1 ? [t1] : [], stored: { stepTime: false, testTime: true }, meta, problems,
  });
}

/** One block of BTS 9.1 records into r (and T1, kept in step with r, into t1). */
function scanBts91(
  b: Uint8Array, dv: DataView, from: number, to: number, len: number, id1: number, r: Records, t1: AuxSeries | undefined,
  odd: { count: number; first: number },
): void {
  const { index, stepIndex, stepType, stepMark, testTime, voltage, current, dateTime } = r;
  const qc = r.chargeCapacity, qd = r.dischargeCapacity, ec = r.chargeEnergy, ed = r.dischargeEnergy;
  const tIndex = t1?.index, tValue = t1?.value;
  let k = r.n;
  for (let at = from; at + len <= to; at += len) {
    if (b[at] !== DATA || b[at + 1] !== id1) {
      if (b[at] !== 0 && odd.count++ === 0) odd.first = at;
      continue;
    }
    const ix = dv.getUint32(at + 8, true);
    if (ix === 0) continue;
    index[k] = ix;
    stepIndex[k] = b[at + 2];
    stepType[k] = b[at + 3];
    stepMark[k] = dv.getUint32(at + 36, true); // the program's loop count: a new loop is a new step
    testTime[k] = dv.getUint32(at + 12, true) + dv.getUint32(at + 16, true) * 1e-9;
    current[k] = dv.getFloat32(at + 20, true) * 1e-3;
    voltage[k] = dv.getFloat32(at + 24, true);
    const q = dv.getFloat32(at + 28, true) * 1e-3, en = dv.getFloat32(at + 32, true) * 1e-3; // mAs, mWs, signed
    qc[k] = q > 0 ? q : 0;
    qd[k] = q < 0 ? -q : 0;
    ec[k] = en > 0 ? en : 0;
    ed[k] = en < 0 ? -en : 0;
    dateTime[k] = dv.getUint32(at + 44, true) + dv.getUint32(at + 48, true) * 1e-9;
    if (tIndex) { tIndex[k] = ix; tValue![k] = dv.getFloat32(at + 52, true); }
    k++;
  }
  r.n = k;
}

function readBts90(b: Uint8Array, dv: DataView, file: string, blocks: Block[], meta: Record<string, string>, problems: DataProblem[]): DataTable {
  meta['Layout'] = 'BTS 9.0';
  const [begin, end, declared] = blocks[0];
  // Records open with a constant 4-byte device tag and the 0x55 identifier.
  const len = recordLength(b, begin, end, declared, 5, 76);
  if (len < 76) throw new DataError(file, 0, `${NOUN}: the BTS 9.0 data block at byte ${begin} is too short for one record`);
  let capacity = 0;
  for (const [s, e] of blocks) capacity += Math.floor((e - s) / len);
  const r = new Records(capacity);
  const aux = new Bts8Aux();
  const tag = b.subarray(begin, begin + 5);
  let odd = 0, oddAt = -1;
  for (const [s, e] of blocks) {
    for (let at = s; at + len <= e; at += len) {
      if (b[at] === tag[0] && b[at + 1] === tag[1] && b[at + 2] === tag[2] && b[at + 3] === tag[3] && b[at + 4] === DATA) {
        const index = dv.getUint32(at + 16, true);
        if (index === 0) continue;
        const k = r.n++;
        r.index[k] = index;
        r.stepIndex[k] = b[at + 9];
        r.stepType[k] = b[at + 10];
        r.stepMark[k] = NaN;
        r.stepTime[k] = u64(dv, at + 28) / 1e6;
        r.voltage[k] = dv.getFloat32(at + 36, true);
        r.current[k] = dv.getFloat32(at + 40, true) * 1e-3;
        // mAs and mWs; some writers sign the discharge values
        r.chargeCapacity[k] = Math.abs(dv.getFloat32(at + 52, true)) * 1e-3;
        r.chargeEnergy[k] = Math.abs(dv.getFloat32(at + 56, true)) * 1e-3;
        r.dischargeCapacity[k] = Math.abs(dv.getFloat32(at + 60, true)) * 1e-3;
        r.dischargeEnergy[k] = Math.abs(dv.getFloat32(at + 64, true)) * 1e-3;
        r.dateTime[k] = u64(dv, at + 68) / 1e6;
      } else if ((b[at + 4] === AUX && (b[at] | b[at + 1] | b[at + 2] | b[at + 3]) === 0)
        || (b[at + 1] === AUX && (b[at + 2] | b[at + 3] | b[at + 4]) === 0)) {
        const index = dv.getUint32(at + 6, true);
        if (index === 0) continue;
        const ch = aux.get(b[at + 5]);
        ch.v.push(index, dv.getInt32(at + 26, true) * 1e-4);
        ch.t.push(index, dv.getInt16(at + 38, true) / 10);
      } else if (b[at] !== 0 && odd++ === 0) oddAt = at;
    }
  }
  if (odd) warn(problems, `${NOUN}: ${odd} record(s) of an unknown type (first at byte ${oddAt}) were skipped`);
  return buildTable({
    file, format: 'neware-nda', noun: NOUN, records: r, aux: aux.series(), stored: { stepTime: true, testTime: false }, meta, problems,
  });
}
