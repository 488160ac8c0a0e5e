// Neware .ndax files (BTS 8 and later): a zip of XML parts (VersionInfo.xml, TestInfo.xml,
// Step.xml, ...) and binary .ndc parts. Either data.ndc holds whole records (ndc 2 and 5), or
// it holds voltage and current per data point and data_runInfo.ndc / data_step.ndc hold the
// rest (ndc 11 to 17). The run info has a row only where Neware logged one; the points between
// are filled the way BTSDA and NewareNDA fill them: time advances by the logging interval, and
// capacity and energy by that interval times the point's current (and voltage). Auxiliary
// channels come in data_AUX_<channel>_<n>_<n>.ndc parts that TestInfo.xml names.
import { checkAborted, readAllBytes } from '../text';
import { DataError, DataProblem, DataTable, ReadOptions } from '../types';
import { decodeText, parseWallClock, utcOffsetText } from './binary';
import {
  NDC_AUX, NDC_DATA, NDC_RUNINFO, NDC_STEP, RunInfo, Steps, isSupported, ndcHeader, readAux, readFullData, readRunInfo,
  readSteps, readVoltageCurrent,
} from './ndc';
import { AuxSeries, Records, buildTable, celsiusToKelvin, identity, warn } from './records';
import { RangeScale } from './scale';
import { ZipEntry, extract, leadingNames, listZip } from '../zip';
import { nameList } from '../messages';

const NOUN = 'the .ndax';

export async function readNdax(file: string, options: ReadOptions = {}): Promise<DataTable> {
  const bytes = await readAllBytes(file, options);
  checkAborted(options.signal);
  return parseNdax(bytes, file, options);
}

// ---------------------------------------------------------------------------------------------
// XML parts: only attributes are needed, so a tag scanner does.

type Attributes = Record<string, string>;

function xmlText(bytes: Uint8Array): string {
  const head = String.fromCharCode(...bytes.subarray(0, Math.min(100, bytes.length)));
  const declared = /encoding="([^"]+)"/i.exec(head)?.[1]?.toLowerCase() ?? 'gb18030';
  return decodeText(bytes, /^(gb2312|gbk|gb18030)$/.test(declared) ? 'gb18030' : declared);
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The attributes of each element named `tag` (or matching it), in document order. */
function elements(xml: string, tag: RegExp): { tag: string; attrs: Attributes }[] {
  const out: { tag: string; attrs: Attributes }[] = [];
  const re = /<([A-Za-z_][\w.-]*)\b([^<>]*?)\/?>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (!tag.test(m[1])) continue;
    const attrs: Attributes = {};
    const a = /([\w.-]+)\s*=\s*"([^"]*)"/g;
    for (let x = a.exec(m[2]); x; x = a.exec(m[2])) attrs[x[1]] = unescape(x[2]);
    out.push({ tag: m[1], attrs });
  }
  return out;
}

interface AuxChannel { auxId: number; realChannel: number; chlType: number }

interface TestInfo { startWallClock: number; aux: AuxChannel[] }

function readXmlMeta(parts: Parts, meta: Record<string, string>): TestInfo {
  const info: TestInfo = { startWallClock: NaN, aux: [] };
  const version = parts.text('VersionInfo.xml');
  if (version) {
    const v = elements(version, /^ZwjVersion$/)[0]?.attrs;
    if (v?.SvrVer) meta['Software'] = v.SvrVer;
    if (v?.CurrClientVer) meta['Client'] = v.CurrClientVer;
    if (v?.ZwjVersion) meta['Control unit'] = v.ZwjVersion;
    if (v?.MainXwjVer) meta['Tester'] = v.MainXwjVer;
  }
  const test = parts.text('TestInfo.xml');
  if (test) {
    const t = elements(test, /^TestInfo$/)[0]?.attrs;
    if (t) {
      const device = [t.DevType && `type ${t.DevType}`, t.DevID && `id ${t.DevID}`].filter(Boolean).join(', ');
      if (device) meta['Device'] = device;
      if (t.UnitID !== undefined || t.ChlID !== undefined) meta['Channel'] = `unit ${t.UnitID ?? '?'}, channel ${t.ChlID ?? '?'}`;
      if (t.StartTime) { meta['Start time'] = `${t.StartTime} (the tester's local time)`; info.startWallClock = parseWallClock(t.StartTime); }
      if (t.EndTime) meta['End time'] = `${t.EndTime} (the tester's local time)`;
      if (t.Barcode) meta['Barcode'] = t.Barcode;
      if (t.Remark) meta['Remarks'] = t.Remark;
      if (t.StepName) meta['Step file'] = t.StepName;
      if (t.CurrRange) meta['Current range'] = `${t.CurrRange} mA`;
    }
    for (const a of elements(test, /^Aux\d+$/)) {
      info.aux.push({ auxId: Number(a.attrs.AuxID ?? a.tag.slice(3)), realChannel: Number(a.attrs.RealChlID ?? NaN), chlType: Number(a.attrs.ChlType ?? NaN) });
    }
  }
  const step = parts.text('Step.xml');
  if (step) {
    const scq = elements(step, /^SCQ$/)[0]?.attrs.Value;
    if (scq && Number(scq) > 0) meta['Active mass'] = `${Number(scq) / 1000} mg`; // stored in µg
    const creator = elements(step, /^Creator$/)[0]?.attrs.Value;
    if (creator && !meta['Creator']) meta['Creator'] = creator;
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// The archive

class Parts {
  private byName = new Map<string, ZipEntry>();
  constructor(private readonly bytes: Uint8Array, entries: ZipEntry[], private readonly problems: DataProblem[]) {
    for (const e of entries) {
      const base = e.name.replace(/^.*[\\/]/, '');
      if (base && !this.byName.has(base.toLowerCase())) this.byName.set(base.toLowerCase(), e);
    }
  }
  names(): string[] { return [...this.byName.values()].map((e) => e.name.replace(/^.*[\\/]/, '')); }
  has(name: string): boolean { return this.byName.has(name.toLowerCase()); }

  /** Parts found damaged (cut or failing their checksum), with what is wrong. */
  readonly damaged = new Map<string, string>();

  /** " (it is damaged: ...)" for a part found damaged, for messages that refuse it. */
  damageOf(name: string): string {
    const d = this.damaged.get(name.toLowerCase());
    return d ? ` (it is damaged: ${d})` : '';
  }

  /** The part's bytes; damage is reported (as `name: ...`) and what was read is returned. */
  bytesOf(name: string): Uint8Array | undefined {
    const e = this.byName.get(name.toLowerCase());
    if (!e) return undefined;
    const part = extract(this.bytes, e);
    if (part.damage) {
      this.damaged.set(name.toLowerCase(), part.damage);
      warn(this.problems, `${name} is damaged: ${part.damage}; what could be read of it is used`);
    }
    return part.bytes;
  }

  text(name: string): string | undefined {
    try {
      const b = this.bytesOf(name);
      return b && b.length ? xmlText(b) : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Whether the first bytes of a zip are those of an .ndax (for detection: a workbook is a zip too).
 * Neware writes data.ndc first, or a few small XML parts and then data.ndc.
 */

/** Read the bytes of an .ndax file (tests and fuzzing call this directly). */
export function parseNdax(bytes: Uint8Array, file: string, options: ReadOptions = {}): DataTable {
  checkAborted(options.signal);
  const listing = listZip(bytes);
  if (!listing) throw new DataError(file, 0, 'not an .ndax file: an .ndax is a zip archive of XML and .ndc parts, and this is not a zip archive');
  const problems: DataProblem[] = [];
  if (listing.from === 'local headers') warn(problems, `${NOUN}'s zip directory is missing or damaged (the file may be cut short): its parts were found from their local headers`);
  if (!listing.entries.length) throw new DataError(file, 0, `${NOUN} holds no data records: the archive is empty`);
  const parts = new Parts(bytes, listing.entries, problems);
  const lost = listing.from === 'local headers' ? '; the archive\'s directory is lost, so the file was probably cut short before this part' : '';
  const meta: Record<string, string> = {};
  const info = readXmlMeta(parts, meta);

  const dataBytes = parts.bytesOf('data.ndc');
  if (!dataBytes) throw new DataError(file, 0, `${NOUN} has no data.ndc part, which holds the data records (parts: ${nameList(parts.names())})${lost}`);
  const head = ndcHeader(dataBytes);
  if (!head) throw new DataError(file, 0, `the data.ndc part of ${NOUN} is empty or unreadable${parts.damageOf('data.ndc')}`);
  if (head.filetype !== NDC_DATA) throw new DataError(file, 0, `the data.ndc part of ${NOUN} is not a data part (its file type is ${head.filetype}, a data part's is ${NDC_DATA})`);
  if (!isSupported(NDC_DATA, head.version)) throw new DataError(file, 0, `the data.ndc part of ${NOUN} has ndc version ${head.version}, which is not supported (read: 2, 5, 11, 14, 16, 17)`);
  meta['ndc version'] = String(head.version);

  let records: Records;
  let hasStepTypes = true;
  if (head.version === 2 || head.version === 5) {
    const scale = new RangeScale(undefined);
    records = readFullData(dataBytes, head.version, scale, 'data.ndc', problems);
    const p = scale.problem('data.ndc');
    if (p) warn(problems, p);
    meta['Time zone'] = 'not recorded: the records carry the tester\'s local clock, read here as if it were UTC';
  } else {
    const joined = readSplit(parts, dataBytes, head.version, file, problems, lost);
    records = joined.records;
    hasStepTypes = joined.hasSteps;
    // Neware logs a run info row only where something changed: BTSDA and NewareNDA fill the points between.
    if (joined.filled) meta['Filled points'] = `${joined.filled} of ${records.n} points have no run info row; their times, capacities and energies were filled from the logging interval`;
    meta['Time zone'] = timeZone(records, info.startWallClock);
  }
  if (records.n === 0) throw new DataError(file, 0, `${NOUN} holds no data records${parts.damageOf('data.ndc')}`);
  const aux = readAuxParts(parts, info, problems);
  // Every ndc layout stores the step time; the test time is their running sum.
  const stored = { stepTime: true, testTime: false };
  return buildTable({ file, format: 'neware-ndax', noun: NOUN, records, aux, stored, meta, problems, hasStepTypes });
}

/** The tester's zone from TestInfo's local start time against the first record's Unix time. */
function timeZone(r: Records, startWallClock: number): string {
  let first = NaN;
  for (let i = 0; i < r.n && first !== first; i++) first = r.dateTime[i] - r.stepTime[i];
  if (startWallClock === startWallClock && first === first && Math.abs(startWallClock - first) < 15 * 3600) {
    return `${utcOffsetText(startWallClock - first)} (TestInfo's local start time against the first record's Unix time); the Timestamp column is UTC`;
  }
  return 'UTC (the records carry Unix time); the tester\'s zone is not recorded';
}

// ---------------------------------------------------------------------------------------------
// ndc 11-17: data + run info + steps

/** The run info sorted by index, keeping the first row of an index Neware wrote twice. */
function orderRunInfo(ri: RunInfo): void {
  let ordered = true;
  for (let i = 1; i < ri.n; i++) if (!(ri.index[i] > ri.index[i - 1])) { ordered = false; break; }
  if (ordered) return;
  const perm = Uint32Array.from({ length: ri.n }, (_, i) => i).sort((a, b) => ri.index[a] - ri.index[b] || a - b);
  let kept = 0;
  for (let i = 0; i < ri.n; i++) if (kept === 0 || ri.index[perm[i]] !== ri.index[perm[kept - 1]]) perm[kept++] = perm[i];
  const tmp = new Float64Array(kept);
  for (const col of [ri.index, ri.stepTime, ri.chargeCapacity, ri.dischargeCapacity, ri.chargeEnergy, ri.dischargeEnergy, ri.dt, ri.dateTime, ri.step]) {
    for (let i = 0; i < kept; i++) tmp[i] = col[perm[i]];
    col.set(tmp);
  }
  ri.n = kept;
}

function readSplit(parts: Parts, dataBytes: Uint8Array, version: number, file: string, problems: DataProblem[], lost: string): { records: Records; hasSteps: boolean; filled: number } {
  const r = readVoltageCurrent(dataBytes, version, 'data.ndc', problems);
  if (r.n === 0) throw new DataError(file, 0, `${NOUN} holds no data records (data.ndc has none)${parts.damageOf('data.ndc')}`);

  const riBytes = parts.bytesOf('data_runInfo.ndc');
  if (!riBytes) throw new DataError(file, 0, `${NOUN} has no data_runInfo.ndc part: its data.ndc (ndc ${version}) holds only voltage and current, and the times, steps and capacities are in data_runInfo.ndc${lost}`);
  const riHead = ndcHeader(riBytes);
  if (!riHead || riHead.filetype !== NDC_RUNINFO || !isSupported(NDC_RUNINFO, riHead.version)) {
    throw new DataError(file, 0, `the data_runInfo.ndc part of ${NOUN} is not a run info part of a supported ndc version (file type ${riHead?.filetype ?? '?'}, version ${riHead?.version ?? '?'})${parts.damageOf('data_runInfo.ndc')}`);
  }
  const ri = readRunInfo(riBytes, riHead.version, 'data_runInfo.ndc', problems);
  if (ri.n === 0) throw new DataError(file, 0, `the data_runInfo.ndc part of ${NOUN} holds no rows: the data points have no times${parts.damageOf('data_runInfo.ndc')}`);
  orderRunInfo(ri);
  // Points after the last run info row of a damaged run info part would be filled from a guess:
  // they are left out (an intact part's last row is simply the last change of the test).
  let n = r.n;
  if (parts.damaged.has('data_runinfo.ndc')) {
    const last = ri.index[ri.n - 1];
    let keep = 0;
    while (keep < n && r.index[keep] <= last) keep++;
    if (keep < n) warn(problems, `data_runInfo.ndc is damaged: the ${n - keep} data point(s) after its last readable row (index ${last}) are left out`);
    n = r.n = keep;
  }

  let steps: Steps | undefined;
  const stBytes = parts.bytesOf('data_step.ndc');
  const stHead = stBytes && ndcHeader(stBytes);
  if (!stBytes) warn(problems, `${NOUN} has no data_step.ndc part: step ids, step types and cycles are left out`);
  else if (!stHead || stHead.filetype !== NDC_STEP || !isSupported(NDC_STEP, stHead.version)) {
    warn(problems, `the data_step.ndc part of ${NOUN} is not a step part of a supported ndc version (file type ${stHead?.filetype ?? '?'}, version ${stHead?.version ?? '?'}): step ids, step types and cycles are left out`);
  } else steps = readSteps(stBytes, stHead.version, 'data_step.ndc', problems);

  const { index, voltage, current, stepTime, dateTime, stepMark, stepIndex, stepType } = r;
  const qcOut = r.chargeCapacity, qdOut = r.dischargeCapacity, ecOut = r.chargeEnergy, edOut = r.dischargeEnergy;
  let p = 0;
  let have = false;
  // The last logged row, and what has accrued since (A·s, J).
  let t0 = 0, uts0 = 0, dt = 0, step = NaN, qc = 0, qd = 0, ec = 0, ed = 0, elapsed = 0, dq = 0, de = 0;
  let beyondSteps = 0, filled = 0;
  for (let k = 0; k < n; k++) {
    const ix = index[k];
    const v = voltage[k], i = current[k];
    while (p < ri.n && ri.index[p] < ix) p++;
    if (p < ri.n && ri.index[p] === ix) {
      have = true;
      t0 = ri.stepTime[p]; uts0 = ri.dateTime[p]; dt = ri.dt[p]; step = ri.step[p];
      qc = Math.abs(ri.chargeCapacity[p]); qd = Math.abs(ri.dischargeCapacity[p]);
      ec = Math.abs(ri.chargeEnergy[p]); ed = Math.abs(ri.dischargeEnergy[p]);
      elapsed = 0; dq = 0; de = 0;
    } else if (have) {
      elapsed += dt;
      dq += dt * i;
      de += dt * v * i;
      filled++;
    }
    if (have) {
      stepTime[k] = t0 + elapsed;
      dateTime[k] = uts0 + elapsed;
      qcOut[k] = qc + (dq > 0 ? dq : 0);
      qdOut[k] = qd - (dq < 0 ? dq : 0);
      ecOut[k] = ec + (de > 0 ? de : 0);
      edOut[k] = ed - (de < 0 ? de : 0);
    } else {
      stepTime[k] = dateTime[k] = qcOut[k] = qdOut[k] = ecOut[k] = edOut[k] = NaN;
    }
    stepMark[k] = step;
    if (steps && step >= 1 && step <= steps.n) {
      stepIndex[k] = steps.stepIndex[step - 1];
      stepType[k] = steps.stepType[step - 1];
    } else {
      stepIndex[k] = stepType[k] = NaN;
      if (steps && step === step) beyondSteps++;
    }
  }
  if (beyondSteps) warn(problems, `data_step.ndc: ${beyondSteps} data point(s) belong to steps the step part does not list; their step id and type are left empty`);
  return { records: r, hasSteps: steps !== undefined, filled };
}

// ---------------------------------------------------------------------------------------------
// Auxiliary parts

const KNOWN_PARTS = /^(data|data_runinfo|data_step|data_log|data_es)\.ndc$/i;

function auxParts(parts: Parts): { name: string; key: number[] }[] {
  const out: { name: string; key: number[] }[] = [];
  for (const name of parts.names()) {
    if (KNOWN_PARTS.test(name) || !/\.ndc$/i.test(name)) continue;
    const m = /data_AUX_(\d+)_(\d+)_(\d+)\.ndc$/i.exec(name);
    if (m) out.push({ name, key: [Number(m[1]), Number(m[2]), Number(m[3])] });
    else {
      const n = /_(\d+)\.ndc$/i.exec(name);
      if (n) out.push({ name, key: [Number(n[1]), 0, 0] });
    }
  }
  return out.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
}

function readAuxParts(parts: Parts, info: TestInfo, problems: DataProblem[]): AuxSeries[] {
  const series: AuxSeries[] = [];
  const files = auxParts(parts);
  files.forEach(({ name, key }, order) => {
    // The channel: TestInfo's entry with this real channel id, else the entry in the same place.
    const isNew = /data_AUX_/i.test(name);
    const byChannel = isNew ? info.aux.filter((a) => a.realChannel === key[0]) : [];
    const channel = byChannel.length === 1 ? byChannel[0] : isNew && info.aux.length === files.length ? info.aux[order] : undefined;
    const auxId = channel?.auxId ?? (isNew ? order + 1 : key[0]);
    try {
      const b = parts.bytesOf(name);
      const head = b && ndcHeader(b);
      if (!b || !head) { warn(problems, `${name} is empty; auxiliary channel ${auxId} is left out`); return; }
      if (head.filetype !== NDC_AUX && !isNew) return; // another kind of part that happens to end in _<n>.ndc
      if (head.filetype !== NDC_AUX || !isSupported(NDC_AUX, head.version)) {
        warn(problems, `${name} is not an auxiliary part of a supported ndc version (file type ${head.filetype}, version ${head.version}); auxiliary channel ${auxId} is left out`);
        return;
      }
      const read = readAux(b, head.version, name, problems);
      if (read.every((v) => v.index.length === 0)) warn(problems, `${name} holds no rows; auxiliary channel ${auxId} is left out`);
      for (const values of read) {
        const s = auxSeriesFor(values.quantity, auxId, channel?.chlType, values.index.length, name, problems);
        if (!s) continue;
        for (let i = 0; i < values.index.length; i++) s.push(values.index[i], values.value[i]);
        series.push(s);
      }
    } catch (e) {
      warn(problems, `${name} could not be read (${(e as Error)?.message ?? e}); auxiliary channel ${auxId} is left out`);
    }
  });
  return series;
}

// TestInfo.xml's ChlType of single-value auxiliary parts (fastnda's table).
const CHANNEL_TYPES: Record<number, { prefix: string; kind: 'temperature' | 'other'; unit: string }> = {
  103: { prefix: 'T', kind: 'temperature', unit: '°C' },
  335: { prefix: 't', kind: 'other', unit: '°C' }, // temperature set point
  345: { prefix: 'H', kind: 'other', unit: '%' }, // humidity
};

function auxSeriesFor(quantity: string, id: number, chlType: number | undefined, n: number, part: string, problems: DataProblem[]): AuxSeries | undefined {
  const cap = Math.max(16, n);
  switch (quantity) {
    case 'voltage': return new AuxSeries(`V${id}`, 'auxVoltage', 'V', identity, true, cap);
    case 'temperature': return new AuxSeries(`T${id}`, 'temperature', '°C', celsiusToKelvin, true, cap);
    case 'setpoint': return new AuxSeries(`t${id}`, 'other', '°C', identity, false, cap);
    default: {
      const type = chlType !== undefined ? CHANNEL_TYPES[chlType] : undefined;
      if (!type) {
        warn(problems, `${part}: auxiliary channel ${id} has channel type ${chlType ?? 'unknown (no TestInfo.xml entry)'}, which is not known; its values are kept as Aux${id}, unconverted`);
        return new AuxSeries(`Aux${id}`, 'other', '', identity, false, cap);
      }
      return new AuxSeries(`${type.prefix}${id}`, type.kind, type.unit, type.kind === 'temperature' ? celsiusToKelvin : identity, false, cap);
    }
  }
}

