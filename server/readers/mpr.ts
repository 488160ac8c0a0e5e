// BioLogic EC-Lab binary files (.mpr): the modules (readers/mpr/modules.ts), the data module's
// records (mpr/data.ts, ids in mpr/columnIds.ts), the technique, dates and versions (mpr/log.ts),
// turned into SI columns named as EC-Lab names them in its .mpt export, so that they are
// classified like the text reader's (readers/columns.ts). A binary file has no lines: every
// problem has line 0 and names the byte offset or record instead.
import { resolveColumns } from './columns';
import { checkAborted, readAllBytes } from './text';
import { Column, ColumnKind, DataError, DataProblem, DataTable, ReadOptions } from './types';
import { labelModes } from './ecLab';
import { nameList } from './messages';
import { columnNames, DataContext, decodeRecords, planRecords, scaleOf } from './mpr/data';
import { acquisitionStart, ecLabVersion, loopStarts, moduleDate, settingsFacts } from './mpr/log';
import { FILE_HEADER_BYTES, FILE_MAGIC, hasFileMagic, ModuleRole, MprModule, scanModules, startsWithModule } from './mpr/modules';

/** Loop starts kept in meta; longer lists are cut (with their count). */
const MAX_LOOPS_IN_META = 1000;

export async function readMpr(file: string, options: ReadOptions = {}): Promise<DataTable> {
  const bytes = await readAllBytes(file, options);
  checkAborted(options.signal);
  return parseMpr(bytes, file, options);
}

/** Read an .mpr file's bytes. Throws DataError for a file that cannot be read; the rest goes into `problems`. */
export function parseMpr(bytes: Uint8Array, file: string, options: ReadOptions = {}): DataTable {
  if (bytes.length === 0) throw new DataError(file, 0, 'empty file');
  const magic = hasFileMagic(bytes);
  // A damaged magic is forgiven when EC-Lab modules follow it.
  if (!magic && !startsWithModule(bytes)) {
    throw new DataError(file, 0, `not an EC-Lab .mpr file: it does not begin with "${FILE_MAGIC}"`);
  }
  if (bytes.length <= FILE_HEADER_BYTES) {
    throw new DataError(file, 0, `the file ends after ${bytes.length} bytes, inside the ${FILE_HEADER_BYTES}-byte file header: it holds no modules`);
  }
  const scan = scanModules(bytes);
  const problems: DataProblem[] = [...scan.problems];
  if (!magic) problems.unshift({ line: 0, severity: 'warning', message: `the file header is damaged (it should begin with "${FILE_MAGIC}"); the modules after it are read all the same` });
  const meta: Record<string, string> = {};
  const named = (role: ModuleRole) => scan.modules.filter((m) => m.role === role);
  for (const m of scan.modules) {
    if (!m.role) {
      problems.push({ line: 0, severity: 'warning', message: `module '${m.shortName}' ('${m.longName}', ${m.length} bytes at byte ${m.at}) is not one this reader knows: skipped` });
    }
  }
  meta.modules = scan.modules.map((m) => m.shortName).join(', ');

  const log = named('log')[0];
  const settings = named('settings');
  const ecLab = log ? ecLabVersion(bytes, log) : undefined;
  if (ecLab) meta['EC-Lab version'] = ecLab;

  const techniques: string[] = [];
  for (const s of settings) {
    const facts = settingsFacts(bytes, s);
    if (facts.techniqueId !== undefined) {
      const name = facts.technique ?? `technique id ${facts.techniqueId}`;
      if (!techniques.includes(name)) techniques.push(name);
    }
    if (facts.comments && !meta.Comments) meta.Comments = facts.comments;
    if (facts.electrodeMaterial && !meta['Electrode material']) meta['Electrode material'] = facts.electrodeMaterial;
  }
  if (techniques.length) meta.technique = techniques.join(', ');
  const known = techniques.filter((t) => !t.startsWith('technique id'));
  const technique = known.length ? known.join(', ') : undefined;

  const settingsDate = settings.length ? moduleDate(settings[0].date) : undefined;
  const logDate = log ? moduleDate(log.date) : undefined;
  if (settingsDate) meta['settings date'] = settingsDate;
  if (logDate) meta['log date'] = logDate;
  const start = log ? acquisitionStart(bytes, log, [settingsDate, logDate].filter((d): d is string => !!d)) : undefined;
  if (start) meta.startTime = start;

  const loop = named('loop')[0];
  if (loop) {
    const starts = loopStarts(bytes, loop);
    if (starts) {
      meta.loops = String(starts.length);
      meta['loop starts'] = starts.slice(0, MAX_LOOPS_IN_META).join(', ') + (starts.length > MAX_LOOPS_IN_META ? ', ...' : '');
    }
  }
  if (named('externalDevice').length) meta['external device'] = 'the file has an external-device module (its settings are not decoded)';

  const dataModules = named('data');
  if (!dataModules.length) {
    throw new DataError(file, 0, `no data module ('VMP data') in the file${scan.modules.length ? ` (modules: ${nameList(scan.modules.map((m) => m.shortName))})` : ''}`);
  }
  if (dataModules.length > 1) {
    problems.push({ line: 0, severity: 'warning', message: `the file has ${dataModules.length} data modules; only the first (at byte ${dataModules[0].at}) is read` });
  }
  const data = dataModules[0];
  const version = dataVersion(data);
  meta['data module version'] = version;
  const ctx: DataContext = { file, version: `version ${version}`, ecLab };
  checkAborted(options.signal);
  const plan = planRecords(bytes, data, ctx, problems);
  meta.points = String(plan.points);
  meta['column ids'] = plan.ids.join(', ');
  const kinds = columnKinds(columnNames(plan), file, options);
  const decoded = decodeRecords(bytes, data, plan, ctx, problems, kinds.map((k) => scaleOf(k.factor, k.offset)));
  const columns: Column[] = decoded.columns.map((d, i) => {
    const k = kinds[i];
    return { name: d.name, kind: k.kind, sourceUnit: k.sourceUnit, values: d.values };
  });
  labelModes(columns);
  deriveCycle(columns, meta);
  deriveCurrent(columns, meta);
  return { file, format: 'biologic-mpr', technique, rows: decoded.rows, columns, lineOfRow: () => 0, meta, problems };
}

/** The version that tells the data layout: the second version field of 11.50+ headers, else the first. */
function dataVersion(m: MprModule): string {
  return m.layout === 'new' ? `${m.version2 ?? 0}` : `${m.version}`;
}

interface ColumnKindSpec { kind: ColumnKind; sourceUnit: string; factor: number; offset: number }

/** Kinds as the text reader gives the same names (and the spec's mapping): an .mpr and its .mpt agree. */
function columnKinds(names: string[], file: string, options: ReadOptions): ColumnKindSpec[] {
  let specs;
  try {
    specs = resolveColumns(names, { file, columnLine: 0, format: 'biologic-mpr', mapping: options.mapping });
  } catch (e) {
    if (e instanceof DataError) throw new DataError(file, 0, e.message.replace(/\bline 0\b/g, 'the data module'));
    throw e;
  }
  return specs.map(({ kind, sourceUnit, factor, offset }) => ({ kind, sourceUnit, factor, offset }));
}


/**
 * EC-Lab exports a cycle number that the .mpr does not always store: with its default cycle
 * definition (charge/discharge alternance) it is the half cycle divided by two.
 */
function deriveCycle(columns: Column[], meta: Record<string, string>): void {
  if (columns.some((c) => c.kind === 'cycle')) return;
  const half = columns.find((c) => c.kind === 'halfCycle');
  if (!half) return;
  const values = new Float64Array(half.values.length);
  for (let k = 0; k < values.length; k++) values[k] = Math.floor(half.values[k] / 2);
  columns.push({ name: 'cycle number', kind: 'cycle', sourceUnit: '', values });
  meta['cycle number'] = 'derived: half cycle div 2 (the file stores no cycle number)';
}

/**
 * GCPL files often store no current, only the charge of each point (dq) and the set point
 * (control/V/mA, a voltage in CV steps): the average current over a point is dq / Δt.
 */
function deriveCurrent(columns: Column[], meta: Record<string, string>): void {
  if (columns.some((c) => c.kind === 'current')) return;
  const dq = columns.find((c) => c.name === 'dq/mA.h' || c.name === 'dQ/mA.h');
  const time = columns.find((c) => c.kind === 'time');
  if (!dq || !time) return;
  const n = dq.values.length;
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const dt = k > 0 ? time.values[k] - time.values[k - 1] : 0;
    // An 'other' column keeps its values as written (mA.h); a mapped one is already in A·s.
    const q = dq.kind === 'other' ? dq.values[k] * 3.6 : dq.values[k];
    values[k] = dt > 0 ? q / dt : q === 0 ? 0 : NaN;
  }
  columns.push({ name: '<I>/mA', kind: 'current', sourceUnit: 'mA', values });
  meta['<I>/mA'] = `derived: ${dq.name} over the time step (the file stores no current)`;
}
